"""Registration numbers of employers: whether a stated number is well formed for its country (pure).

Used by fraud scoring: a registration number that cannot exist is a warning sign; a country
whose format is not known here is never judged.
"""

from __future__ import annotations

import re

_COUNTRIES = {
    **dict.fromkeys(("kr", "kor", "korea", "south korea", "republic of korea", "대한민국", "한국"), "KR"),
    **dict.fromkeys(("gb", "gbr", "uk", "united kingdom", "great britain", "england", "scotland", "wales",
                     "northern ireland"), "GB"),
    **dict.fromkeys(("us", "usa", "united states", "united states of america"), "US"),
    **dict.fromkeys(("id", "idn", "indonesia"), "ID"),
}  # fmt: skip
_KR_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
# IRS, "How EINs are assigned and valid EIN prefixes" (no other two-digit prefix is issued).
_EIN_INVALID_PREFIXES = frozenset({"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78",
                                   "79", "89", "96", "97"})  # fmt: skip


def validate_employer_id(value: str, country: str) -> bool | None:
    """Whether `value` is a well-formed registration number of `country` (None: format unknown).

    KR 사업자등록번호 (10 digits, check digit), GB Companies House number (8 digits, or 2 letters
    + 6 digits), US EIN (NN-NNNNNNN, issued prefix), ID NPWP (15 digits, or 16: old number with a
    leading 0, checked by Luhn over the first 9 significant digits, or a NIK).
    """
    code = _COUNTRIES.get(country.strip().lower())
    if code is None:
        return None
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if code == "KR":
        return re.fullmatch(r"\d{10}", compact) is not None and _korean_check_digit(compact[:9]) == int(compact[9])
    if code == "GB":
        return re.fullmatch(r"\d{8}|[A-Z]{2}\d{6}", compact) is not None
    if code == "US":
        return re.fullmatch(r"\d{2}-?\d{7}", value.strip()) is not None and compact[:2] not in _EIN_INVALID_PREFIXES
    if not re.fullmatch(r"\d{15,16}", compact):
        return False
    if len(compact) == 16 and not compact.startswith("0"):
        return True  # a NIK (citizen number) serves as NPWP since 2024; it has no check digit
    return _luhn_valid(compact[-15:-6])


def _korean_check_digit(first_nine: str) -> int:
    """사업자등록번호 check digit: weights 1,3,7,1,3,7,1,3,5, plus floor(9th digit x 5 / 10)."""
    digits = [int(d) for d in first_nine]
    total = sum(d * w for d, w in zip(digits, _KR_BRN_WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def _luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        doubled = int(char) * (2 if position % 2 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0
