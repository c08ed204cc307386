"""Salary normalisation: stated pay or English, Korean, Indonesian text to range, currency, period, equivalents."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lmis.jobs.model import Salary, SalaryUnit

SALARY_METHOD_VERSION = "salary-1"
STRUCTURED = "structured"
TEXT_PATTERN = "text-pattern"
INFERRED_PERIOD = "inferred-period"

# Equivalents assume full-time work: 40 hours and 5 days a week, 52 weeks a year, so a month
# is 52/12 weeks = 173.33 hours = 21.67 days; a year is 12 months.
HOURS_PER_WEEK = 40
DAYS_PER_WEEK = 5
WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12
MONTHLY_FACTOR: dict[SalaryUnit, float] = {
    SalaryUnit.HOUR: HOURS_PER_WEEK * WEEKS_PER_YEAR / MONTHS_PER_YEAR,
    SalaryUnit.DAY: DAYS_PER_WEEK * WEEKS_PER_YEAR / MONTHS_PER_YEAR,
    SalaryUnit.WEEK: WEEKS_PER_YEAR / MONTHS_PER_YEAR,
    SalaryUnit.MONTH: 1.0,
    SalaryUnit.YEAR: 1 / MONTHS_PER_YEAR,
}

# Confidence starts from how the numbers were found and loses a fixed amount per doubt.
_BASE_CONFIDENCE = {STRUCTURED: 0.95, TEXT_PATTERN: 0.85}
_PENALTY = {
    "currency_assumed": 0.15, "currency_unknown": 0.3, "period_inferred": 0.3, "period_unknown": 0.5,
    "implausible": 0.4, "wide_range": 0.1, "range_swapped": 0.1, "extra_amounts": 0.1,
}  # fmt: skip

# Plausible annual pay per currency (anything outside is flagged, e.g. £1,000 an hour is
# £2.08m a year). Currencies not listed are not checked.
_PLAUSIBLE_ANNUAL: dict[str, tuple[float, float]] = {
    **dict.fromkeys(("GBP", "EUR", "USD", "AUD", "CAD", "SGD", "NZD", "CHF"), (1_000.0, 2_000_000.0)),
    "KRW": (1_000_000.0, 3_000_000_000.0),
    "IDR": (1_000_000.0, 30_000_000_000.0),
    "JPY": (100_000.0, 300_000_000.0),
    "INR": (10_000.0, 200_000_000.0),
}

# Period from magnitude when the ad does not say: the lowest amount that is a year's, a month's,
# a day's and an hour's pay (e.g. KRW 10,000,000+ is annual, 1,000,000+ monthly).
_STEPS_FOR = (SalaryUnit.YEAR, SalaryUnit.MONTH, SalaryUnit.DAY, SalaryUnit.HOUR)
_MAGNITUDE_STEPS: dict[str, tuple[float, float, float, float]] = {
    **dict.fromkeys(("GBP", "EUR", "USD", "AUD", "CAD", "SGD", "NZD", "CHF"), (10_000, 1_000, 100, 4)),
    "KRW": (10_000_000, 1_000_000, 50_000, 5_000),
    "IDR": (200_000_000, 1_000_000, 80_000, 10_000),
    "JPY": (1_000_000, 100_000, 5_000, 500),
}

_CODES = "krw|idr|gbp|usd|eur|aud|cad|sgd|hkd|nzd|twd|jpy|cny|inr|chf|myr|php|thb|vnd"
_SYMBOLS = {
    "£": "GBP", "€": "EUR", "₩": "KRW", "원": "KRW", "won": "KRW", "¥": "JPY", "₹": "INR",
    "rp": "IDR", "rupiah": "IDR", "$": "USD", "us$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD",
    "ca$": "CAD", "s$": "SGD", "hk$": "HKD", "nz$": "NZD", "nt$": "TWD", "r$": "BRL",
}  # fmt: skip
_DOLLARS = frozenset({"USD", "AUD", "CAD", "SGD", "HKD", "NZD", "TWD"})
_MULTIPLIER = {"k": 1e3, "thousand": 1e3, "ribu": 1e3, "rb": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6}
_MULTIPLIER |= {"juta": 1e6, "jt": 1e6}
_KO_SMALL = {"십": 10, "백": 100, "천": 1_000}
_KO_BIG = {"만": 10_000, "억": 100_000_000}

_PRE = rf"(?<![a-z])(?:(?:us|au|a|ca|c|s|hk|nz|nt|r)\$|rp\.?|{_CODES})(?![a-z])|[$£€₩¥₹]"
_NUMBER = r"\d{1,3}(?:(?:[,.] ?|[' ])\d{3}(?!\d))+(?:[.,]\d{1,2}(?!\d))?|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"(?:(?P<pre>{_PRE})\s*)?(?P<num>{_NUMBER})"
    r"(?P<ko>\s*[십백천만억]+(?:\s*\d[\d,.]*\s*[십백천만억]+)*)?"
    r"(?:\s*(?P<mult>thousand|ribu|rb|million|mn|m|juta|jt|k)(?![a-z]))?"
    rf"(?:\s*(?P<post>원|€|(?:won|rupiah|{_CODES})(?![a-z])))?",
    re.IGNORECASE,
)
_KO_PART = re.compile(r"([\d,.]*\d)?([십백천]?)([만억]?)")
_CONNECTOR = re.compile(
    r"\s*(?:p\.?/?[hdwm]\b\.?|pa|pcm)?\s*(?:-|~|to|and|until|till|sampai|hingga|s/d|s\.d\.?|sd)\s*", re.IGNORECASE
)
_NOT_PAY = re.compile(
    r"\s*(?:%|hours?|hrs?|years?|yrs?|months?|weeks?|days?|jam|hari|minggu|bulan|tahun|시간|년|개월|주|일|명|세|살)",
    re.IGNORECASE,
)
_UP_TO = re.compile(r"(?:up\s*to|upto|max(?:imum)?|maks(?:imal)?|hingga|sampai|최대)\W*$", re.IGNORECASE)
_FROM = re.compile(r"(?:from|starting|start|min(?:imum)?|minimal|mulai(?:\s+dari)?|at\s+least|최소)\W*$", re.I)
_AFTER_MIN = re.compile(r"\s*(?:\+(?!\s*[\d£$€])|or\s+more|and\s+above|ke\s+atas|이상)", re.IGNORECASE)
_AFTER_MAX = re.compile(r"\s*(?:or\s+less|이하|까지)", re.IGNORECASE)
_NEGOTIABLE = re.compile(
    r"competitive|negotiable|nego|doe\b|depending\s+on\s+experience|협의|면접\s*후|회사\s*내규|dirahasiakan|kompetitif",
    re.IGNORECASE,
)
# A word counts only after a non-letter ("£16.40per hour", "£18ph"; "/bulan" anywhere); Korean 월 (month) and
# 연 (year) only standing alone, not inside another word.
_PERIOD_WORDS = {
    SalaryUnit.HOUR: r"per\s+(?:hour|hr)|an\s+hour|/\s*(?:hour|hr|h)\b|hourly|p/?h\b|per\s*jam|/\s*jam|시급|시간당",
    SalaryUnit.DAY: r"per\s+day|a\s+day|/\s*day|daily|per\s+diem|p/d\b|per\s*hari|/\s*hari|harian|일급|일당",
    SalaryUnit.WEEK: r"per\s+week|a\s+week|/\s*(?:week|wk)|weekly|p/?w\b|per\s*minggu|/\s*minggu|주급",
    SalaryUnit.MONTH: r"per\s+(?:calendar\s+)?month|a\s+month|/\s*(?:month|mth|mo)\b|monthly|pcm\b|p/?m\b|per\s*bulan"
    r"|/\s*bulan|bulanan|sebulan|월급|(?<![가-힣])월(?![가-힣])",
    SalaryUnit.YEAR: r"per\s+(?:annum|year|yr)|a\s+year|/\s*(?:year|yr|annum)|annual(?!\s+leave)|annum\b|yearly"
    r"|p\.?a\b\.?|per\s*tahun|/\s*tahun|tahunan|setahun|연봉|/\s*년|(?<![가-힣\d])연(?![가-힣])",
}  # fmt: skip
_PERIODS = tuple((unit, re.compile(rf"(?:(?<![a-z])|(?=/))(?:{words})", re.I)) for unit, words in _PERIOD_WORDS.items())


@dataclass(frozen=True, slots=True)
class NormalisedSalary:
    """Pay as range, ISO 4217 currency and period, with monthly/annual equivalents and provenance.

    `method` names the path ("structured", "text-pattern", "inferred-period") and `version` the
    rules (`SALARY_METHOD_VERSION`). Text that gave no numbers keeps `text` and the flag "unparseable".
    """

    minimum: float | None
    maximum: float | None
    currency: str | None
    period: SalaryUnit | None
    annual_min: float | None
    annual_max: float | None
    monthly_min: float | None
    monthly_max: float | None
    confidence: float
    method: str
    flags: tuple[str, ...]
    text: str
    version: str = SALARY_METHOD_VERSION

    @property
    def parsed(self) -> bool:
        """At least one end of the range is a number."""
        return self.minimum is not None or self.maximum is not None


@dataclass(frozen=True, slots=True)
class _Amount:
    """One amount found in text: `head` is the number before any multiplier."""

    start: int
    end: int
    value: float
    head: float
    currency: str | None
    marked: bool  # a currency, a multiplier or a Korean unit says it is money
    scaled: bool


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the text says: range, explicit currency, period and flags."""

    minimum: float | None
    maximum: float | None
    currency: str | None
    period: SalaryUnit | None
    flags: tuple[str, ...]


def normalise_salary(
    stated: Salary | None, *, text: str = "", default_currency: str | None = None
) -> NormalisedSalary | None:
    """Normalise stated pay; structured numbers win, text is parsed when there are none; None when nothing at all."""
    default = default_currency.upper() if default_currency else None
    texts = [t.strip() for t in (stated.text if stated else "", text) if t and t.strip()]
    if stated is not None and (stated.minimum is not None or stated.maximum is not None):
        return _from_structured(stated, " ".join(texts), default)
    if not texts:
        return None
    for candidate in texts:
        reading = _read_text(candidate, default_currency=default)
        if reading.minimum is not None or reading.maximum is not None:
            return _from_reading(reading, candidate, stated, default)
    return _unparsed(texts[0], stated, default)


def _read_text(text: str, *, default_currency: str | None = None) -> _Reading:
    """Find the pay range, currency and period written in `text` (no inference, no defaults)."""
    prepared = _prepare(text)
    amounts = [_amount(match, default_currency) for match in _AMOUNT.finditer(prepared)]
    chosen = _choose(prepared, amounts)
    if not chosen:
        return _Reading(None, None, None, _find_period(prepared, 0), ())
    first, last = chosen[0], chosen[-1]
    # Other amounts (a bonus, an hourly rate in brackets) keep the periods written after them.
    others = [a for a in amounts if a.marked and a.value not in (first.value, last.value)]
    flags = ["extra_amounts"] if others else []
    stop = min((a.start for a in others if a.start >= last.end), default=len(prepared))
    low, high = _scaled_pair(first, last) if len(chosen) == 2 else (first.value, first.value)
    low_or_none, high_or_none = _open_ends(prepared, first, last, low, high)
    if (low_or_none, high_or_none) != (low, high):
        flags.append("open_range")
    currency = next((a.currency for a in (*chosen, *amounts) if a.currency), None)
    if re.search(r"pro[\s-]*rata", prepared, re.IGNORECASE):
        flags.append("pro_rata")
    return _Reading(low_or_none, high_or_none, currency, _find_period(prepared[:stop], first.start), tuple(flags))


def _from_structured(stated: Salary, text: str, default: str | None) -> NormalisedSalary:
    reading = _read_text(text, default_currency=default) if text else _Reading(None, None, None, None, ())
    flags: list[str] = []
    currency = stated.currency.upper() if stated.currency else reading.currency
    if currency is None:
        currency = default
        flags.append("currency_assumed" if default else "currency_unknown")
    period = stated.unit or reading.period
    return _finish(stated.minimum, stated.maximum, currency, period, STRUCTURED, flags, stated.text or text)


def _from_reading(reading: _Reading, text: str, stated: Salary | None, default: str | None) -> NormalisedSalary:
    flags = list(reading.flags)
    currency = reading.currency or (stated.currency.upper() if stated and stated.currency else None)
    if currency is None:
        currency = _currency_hint(text) or default
        flags.append("currency_assumed" if currency else "currency_unknown")
    period = reading.period or (stated.unit if stated else None)
    return _finish(reading.minimum, reading.maximum, currency, period, TEXT_PATTERN, flags, text)


def _unparsed(text: str, stated: Salary | None, default: str | None) -> NormalisedSalary:
    currency = stated.currency.upper() if stated and stated.currency else default
    period = stated.unit if stated else None
    flags = ("unparseable", "negotiable") if _NEGOTIABLE.search(text) else ("unparseable",)
    return NormalisedSalary(None, None, currency, period, None, None, None, None, 0.0, TEXT_PATTERN, flags, text)


def _finish(
    low: float | None,
    high: float | None,
    currency: str | None,
    period: SalaryUnit | None,
    method: str,
    flags: list[str],
    text: str,
) -> NormalisedSalary:
    base = _BASE_CONFIDENCE[method]
    if low is not None and high is not None and low > high:
        low, high = high, low
        flags.append("range_swapped")
    if period is None:
        period = _infer_period(currency, low if low is not None else high)
        if period is not None:
            method = INFERRED_PERIOD
        flags.append("period_inferred" if period is not None else "period_unknown")
    (monthly_low, annual_low), (monthly_high, annual_high) = _equivalents(low, period), _equivalents(high, period)
    flags.extend(_sanity(currency, low, high, annual_low, annual_high))
    confidence = round(max(0.0, base - sum(_PENALTY.get(flag, 0.0) for flag in flags)), 2)
    return NormalisedSalary(
        low, high, currency, period, annual_low, annual_high, monthly_low, monthly_high,
        confidence, method, tuple(dict.fromkeys(flags)), text,
    )  # fmt: skip


def _equivalents(amount: float | None, period: SalaryUnit | None) -> tuple[float | None, float | None]:
    """(monthly, annual) equivalents, rounded to cents; annual is 12 x monthly."""
    if amount is None or period is None:
        return None, None
    monthly = amount * MONTHLY_FACTOR[period]
    return round(monthly, 2), round(monthly * MONTHS_PER_YEAR, 2)


def _infer_period(currency: str | None, amount: float | None) -> SalaryUnit | None:
    """The period an amount most likely is for, from its size in its currency."""
    if currency is None or amount is None:
        return None
    for lowest, period in zip(_MAGNITUDE_STEPS.get(currency, ()), _STEPS_FOR, strict=False):
        if amount >= lowest:
            return period
    return None


def _sanity(currency: str | None, low: float | None, high: float | None, *annual: float | None) -> list[str]:
    flags = []
    lowest, highest = _PLAUSIBLE_ANNUAL.get(currency or "", (0.0, float("inf")))
    if any(v is not None and v <= 0 for v in (low, high)) or any(
        a is not None and not lowest <= a <= highest for a in annual
    ):
        flags.append("implausible")
    if low is not None and high is not None and low > 0 and high > 10 * low:
        flags.append("wide_range")
    return flags


def _prepare(text: str) -> str:
    folded = re.sub(r"[‐‑‒–—―−]", "-", unicodedata.normalize("NFKC", text)).replace("〜", "~")
    return " ".join(folded.split())


def _amount(match: re.Match[str], default: str | None) -> _Amount:
    head = _parse_number(match["num"])
    mult = (match["mult"] or "").lower()
    value = _korean_value(match["num"] + match["ko"]) if match["ko"] else head * _MULTIPLIER.get(mult, 1.0)
    currency = _currency(match["pre"] or match["post"], default)
    scaled = bool(match["ko"] or mult)
    return _Amount(match.start(), match.end(), value, head, currency, bool(currency or scaled), scaled)


def _currency(token: str | None, default: str | None) -> str | None:
    if not token:
        return None
    key = token.lower().rstrip(".")
    if key == "$" and default in _DOLLARS:
        return default
    return _SYMBOLS.get(key, key.upper())


def _currency_hint(text: str) -> str | None:
    """A currency the language of the amounts implies: 만/억 for won, juta/ribu for rupiah."""
    if re.search(r"\d\s*[만억]", text):
        return "KRW"
    if re.search(r"\d\s*(?:juta|jt|ribu|rb)\b", text, re.IGNORECASE):
        return "IDR"
    return None


def _parse_number(text: str) -> float:
    """Read 1,000.50, 1.000,50, 4.500.000, 10 000 and 18.50 alike.

    The last separator is the decimal point when a different one came before it, or when it is
    not followed by exactly three digits; every other separator groups thousands.
    """
    digits = text.replace(" ", "").replace("'", "")
    cut = max(digits.rfind(","), digits.rfind("."))
    if cut < 0:
        return float(digits)
    head, separator, tail = digits[:cut], digits[cut], digits[cut + 1 :]
    whole = re.sub(r"[,.]", "", head)
    if ("," if separator == "." else ".") in head or len(tail) != 3:
        return float(f"{whole}.{tail}")
    return float(whole + tail)


def _korean_value(text: str) -> float:
    """Read Korean numerals with units: 300만 = 3,000,000; 3천5백만 = 35,000,000; 1억 2천만 = 120,000,000."""
    total = section = 0.0
    for number, small, big in _KO_PART.findall(text.replace(" ", "")):
        if not (number or small or big):
            continue
        section += (_parse_number(number) if number else 1.0) * _KO_SMALL.get(small, 1)
        if big:
            total, section = total + section * _KO_BIG[big], 0.0
    return total + section


def _choose(text: str, amounts: list[_Amount]) -> list[_Amount]:
    """The first money amount, paired with its neighbour when a range connector joins them."""
    order = [i for i, a in enumerate(amounts) if a.marked] or [i for i, a in enumerate(amounts) if _bare_pay(text, a)]
    if not order:
        return []
    first = order[0]
    for low, high in ((first - 1, first), (first, first + 1)):
        if low >= 0 and high < len(amounts) and _connected(text, amounts[low], amounts[high]):
            return [amounts[low], amounts[high]]
    return [amounts[first]]


def _bare_pay(text: str, amount: _Amount) -> bool:
    """A number with no currency or unit is pay when it is large, or a period follows it."""
    if _NOT_PAY.match(text, amount.end):
        return False
    return amount.value >= 100 or _find_period(text[amount.end : amount.end + 16], 0) is not None


def _connected(text: str, low: _Amount, high: _Amount) -> bool:
    if not _CONNECTOR.fullmatch(text, low.end, high.start):
        return False
    a, b = _scaled_pair(low, high)
    return min(a, b) > 0 and max(a, b) <= 20 * min(a, b)


def _scaled_pair(low: _Amount, high: _Amount) -> tuple[float, float]:
    """'IDR 5-7 juta', '3~4천만원': a bare first number takes the unit of the second."""
    if not low.scaled and high.scaled and high.head and low.value <= high.head:
        return low.value * high.value / high.head, high.value
    return low.value, high.value


def _open_ends(text: str, first: _Amount, last: _Amount, low: float, high: float) -> tuple[float | None, float | None]:
    """'up to £30k' has only a maximum, 'from £25,000' and '300만원 이상' only a minimum."""
    if first is not last:
        return low, high
    before = text[max(0, first.start - 24) : first.start]
    if _UP_TO.search(before) or _AFTER_MAX.match(text, last.end):
        return None, high
    if _FROM.search(before) or _AFTER_MIN.match(text, last.end):
        return low, None
    return low, high


def _find_period(text: str, start: int) -> SalaryUnit | None:
    """The period written nearest after `start`, else the first written before it."""
    found = [(m.start(), unit) for unit, pattern in _PERIODS for m in pattern.finditer(text)]
    after = [item for item in found if item[0] >= start]
    pool = after or found
    return min(pool)[1] if pool else None
