"""Reading a CV's education, languages and certificates (pure): ISCED 2011 levels from degree words, ISO 639-1
codes and CEFR levels from language names, level words and test scores, in English, Korean and Indonesian.

Test scores map to CEFR by the publishers' own tables: TOEIC (ETS 2016), IELTS (British Council),
TOEFL iBT (ETS), TOPIK and HSK levels 1-6, JLPT N5-N1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lmis.enrich.resume_text import COMPANY, find_period, is_bullet, pieces_of
from lmis.people.profile import Certificate, Education, Isced, Language, LanguageLevel

MAX_NAME = 200  # profile names and fields are at most 200 characters (check_details)

# Degree words, highest level first; short acronyms (S1, SMA, BA...) must be written in capitals.
_DEGREES: tuple[tuple[Isced, re.Pattern[str]], ...] = (
    (Isced.DOCTORAL, re.compile(r"(?i:\bph\.?\s?d\b|\bdphil\b|\bdoctor(?:ate| of)\b|\bdoktor\b)|\bS3\b|박사")),
    (
        Isced.MASTER,
        re.compile(
            r"(?i:\bmaster(?:'?s)?\b(?:\s+degree)?(?:\s+of\s+(?:science|arts|engineering|business administration|"
            r"laws|education))?|\bm\.?sc\b|\bm\.\s?s\.|\bmba\b|\bm\.?eng\b|\bmphil\b|\bllm\b|\bmagister\b|"
            r"\b(?:post-?graduate|graduate) diploma\b|\bpgdip\b)|\bMA\b|\bM\.A\.|\bS2\b|석사|대학원",
        ),
    ),
    (
        Isced.BACHELOR,
        re.compile(
            r"(?i:\bbachelor(?:'?s)?\b(?:\s+degree)?(?:\s+of\s+(?:science|arts|engineering|business administration|"
            r"laws|education|commerce))?|\bb\.?sc\b|\bb\.\s?s\.|\bb\.?eng\b|\bllb\b|\bbba\b|\bb\.?ed\b|"
            r"\bundergraduate degree\b|\bsarjana\b|\bd-?iv\b)|\bBA\b|\bB\.A\.|\bS1\b|\bD4\b|(?<!전문)학사|4년제",
        ),
    ),
    (
        Isced.SHORT_TERTIARY,
        re.compile(
            r"(?i:(?<!school )\bdiploma\b|\bassociate(?:'?s)? (?:degree|of)\b|\bhnd\b|\bfoundation degree\b|\bd-?iii\b)"
            r"|\bD[123]\b|전문학사|전문대|2년제|3년제",
        ),
    ),
    (
        Isced.UPPER_SECONDARY,
        re.compile(
            r"(?i:\bhigh school\b|\bsenior high\b|\bsecondary school\b|\ba-?levels?\b|\babitur\b|"
            r"\bbaccalaur[eé]at\b|\bsekolah menengah atas\b|\bsekolah menengah kejuruan\b|\bpaket c\b)"
            r"|\bSM[AKU]\b|\bSTM\b|\bMAN\b|고등학교|고교|고졸",
        ),
    ),
    (
        Isced.LOWER_SECONDARY,
        re.compile(r"(?i:\bmiddle school\b|\bjunior high\b|\bpaket b\b)|\bSMP\b|\bMTs\b|중학교"),
    ),
    (Isced.PRIMARY, re.compile(r"(?i:\bprimary school\b|\belementary school\b|\bpaket a\b)|\bSD\b|초등학교")),
)
# Institutions that tell a level when no degree is named (a guess, noted).
_INSTITUTIONS: tuple[tuple[Isced, re.Pattern[str]], ...] = (
    (Isced.SHORT_TERTIARY, re.compile(r"(?i:\bpoli(?:teknik|technic)\b|\bakademi\b|\bcommunity college\b)|전문대학")),
    (Isced.BACHELOR, re.compile(r"(?i:\buniversit(?:y|as|ät|é)\b|\bcollege\b|\binstitut(?:e)?\b)|(?<!전문)대학")),
)
_INSTITUTION = re.compile(
    r"(?i:\buniversit(?:y|as|ät|é)\b|\bcollege\b|\binstitut(?:e)?\b|\bschool\b|\bsekolah\b|\bpoli(?:teknik|technic)\b|"
    r"\bakademi\b|\bacademy\b)|\bSM[AKPU]\b|\bSD\b|대학교|대학|학교|고교"
)


def degree_level(text: str) -> Isced | None:
    """The highest ISCED level a degree word in `text` names, or None."""
    return next((level for level, pattern in _DEGREES if pattern.search(text)), None)


def institution_level(text: str) -> Isced | None:
    """The ISCED level an institution's name suggests ("University" -> bachelor), or None."""
    return next((level for level, pattern in _INSTITUTIONS if pattern.search(text)), None)


def education_entries(lines: list[str]) -> tuple[list[Education], list[str]]:
    """The education of an education section and notes on entries whose level could not be told or was guessed."""
    groups: list[list[str]] = []
    degree = institution = False
    for line in lines:
        text = line.strip()
        if not text:
            degree = institution = False
            groups.append([])
            continue
        has_degree, has_institution = degree_level(text) is not None, bool(_INSTITUTION.search(text))
        if not groups or (has_degree and degree) or (has_institution and institution and not has_degree):
            groups.append([])
            degree = institution = False
        groups[-1].append(text)
        degree, institution = degree or has_degree, institution or has_institution
    found: list[Education] = []
    notes: list[str] = []
    for group in (g for g in groups if g and not all(is_bullet(line) for line in g)):
        education, note = _education(group)
        if education is not None:
            found.append(education)
        if note:
            notes.append(note)
    return found, notes


def _education(lines: list[str]) -> tuple[Education | None, str]:
    joined = " | ".join(lines)
    level = degree_level(joined)
    note = ""
    if level is None:
        level = institution_level(joined)
        if level is None:
            return None, f"the level of education of {_clip(joined, 80)!r} could not be told; add it yourself"
        note = f"the level of {_clip(joined, 80)!r} was guessed from the institution; check it"
    pieces = [part for line in lines for p in pieces_of(_without_dates(line)) for part in _split_institution(p)]
    institution = next((p for p in pieces if _INSTITUTION.search(p) or COMPANY.search(p)), "")
    degree_piece = next((p for p in pieces if degree_level(p) is not None and p != institution), "")
    others = (_field_of(p) for p in pieces if p not in (institution, degree_piece) and len(p.split()) <= 6)
    field = _field_of(degree_piece) or next((text for text in others if text), "")
    period = next((period for line in lines if (period := find_period(line)) is not None), None)
    completed = period.ended.year if period and period.ended else None
    return Education(level, _clip(field, MAX_NAME), _clip(institution, MAX_NAME), completed), note


def _split_institution(piece: str) -> list[str]:
    """A Korean school run together with its subject ("서울대학교 컴퓨터공학과 학사") as two pieces."""
    joined = re.match(r"^(\S*(?:대학교|대학|학교|고교))\s+(.+)$", piece)
    return [joined.group(1), joined.group(2)] if joined else [piece]


_NOT_FIELD = re.compile(
    r"(?i)^\W*(?:in|of|jurusan|program studi|prodi|major(?: in)?)\b|\bgraduated\b|\blulus\b"
    r"|전공|졸업|재학|수료|중퇴|학위|과정|[()]"
)


def _field_of(degree: str) -> str:
    """The subject of a degree: "BSc in Computer Science" -> "Computer Science", "컴퓨터공학 학사" -> "컴퓨터공학"."""
    rest = degree
    for _level, pattern in _DEGREES:
        rest = pattern.sub(" ", rest)
    rest = _NOT_FIELD.sub(" ", rest)
    return " ".join(rest.split()).strip(" ,.-–:")


def _without_dates(line: str) -> str:
    period = find_period(line)
    return line if period is None else line[: period.start] + " | " + line[period.end :]


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


# Languages ---------------------------------------------------------------------------------

_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "inggris", "영어"),
    "ko": ("korean", "korea", "한국어", "한국말"),
    "id": ("indonesian", "indonesia", "인도네시아어"),
    "ja": ("japanese", "jepang", "일본어"),
    "zh": ("chinese", "mandarin", "cantonese", "cina", "tionghoa", "중국어"),
    "es": ("spanish", "spanyol", "스페인어"),
    "fr": ("french", "prancis", "perancis", "프랑스어", "불어"),
    "de": ("german", "jerman", "독일어"),
    "ar": ("arabic", "arab", "아랍어"),
    "vi": ("vietnamese", "vietnam", "베트남어"),
    "th": ("thai", "thailand", "태국어"),
    "ru": ("russian", "rusia", "러시아어"),
    "pt": ("portuguese", "portugis", "포르투갈어"),
    "it": ("italian", "italia", "이탈리아어"),
    "hi": ("hindi", "힌디어"),
    "ms": ("malay", "melayu", "malaysia", "말레이어"),
    "jv": ("javanese", "jawa", "자바어"),
    "su": ("sundanese", "sunda"),
    "tl": ("tagalog", "filipino", "타갈로그어"),
    "nl": ("dutch", "belanda", "네덜란드어"),
    "tr": ("turkish", "turki", "터키어", "튀르키예어"),
    "mn": ("mongolian", "몽골어"),
    "uz": ("uzbek", "우즈베크어"),
    "ne": ("nepali", "네팔어"),
    "km": ("khmer", "크메르어", "캄보디아어"),
    "my": ("burmese", "myanmar", "미얀마어"),
    "bn": ("bengali", "bangla", "벵골어"),
    "ur": ("urdu", "우르두어"),
    "fa": ("persian", "farsi", "페르시아어"),
}
_NAME_CODE = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names}
_LANGUAGE = re.compile(
    "|".join(
        rf"\b{re.escape(name)}\b" if name.isascii() else re.escape(name)
        for name in sorted(_NAME_CODE, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
_LEVEL_WORDS: tuple[tuple[LanguageLevel, re.Pattern[str]], ...] = (
    (
        LanguageLevel.NATIVE,
        re.compile(
            r"(?i:\bnative\b|\bmother tongue\b|\bfirst language\b|\bbahasa ibu\b|\bpenutur asli\b)|모국어|원어민"
        ),
    ),
    (LanguageLevel.B2, re.compile(r"(?i)\bupper[- ]intermediate\b")),
    (
        LanguageLevel.C1,
        re.compile(r"(?i:\bfluent\b|\bfluency\b|\badvanced\b|\bproficient\b|\blancar\b|\bfasih\b|\bmahir\b)|능통|유창"),
    ),
    (LanguageLevel.B2, re.compile(r"(?i:\bbusiness\b|\baktif\b)|비즈니스|중상")),
    (
        LanguageLevel.B1,
        re.compile(r"(?i:\bintermediate\b|\bconversational\b|\bmenengah\b|\bcukup\b)|일상\s?회화|회화\s?가능"),
    ),
    (LanguageLevel.A2, re.compile(r"(?i:\bbasic\b|\belementary\b|\bpasif\b|\bdasar\b)|기초|중하")),
    (LanguageLevel.A1, re.compile(r"(?i:\bbeginner\b|\bpemula\b)|초급")),
)
_KOREAN_GRADE = re.compile(r"(?<![가-힣])(상|중|하)(?![가-힣])")
_CEFR = re.compile(r"\b([ABC][12])\b")
_TEST = re.compile(
    r"(?i)\b(?P<test>toeic|ielts|toefl(?:\s?ibt)?|topik|hsk|jlpt)\b[^\d\n]{0,12}(?P<score>N?[1-9]\d{0,2}(?:\.\d)?)"
)


@dataclass(frozen=True, slots=True)
class _Stated:
    code: str
    level: LanguageLevel | None


def languages_in(lines: list[str]) -> tuple[list[Language], list[str]]:
    """Languages named in `lines` with their level (CEFR, a level word or a test score), and the names of those
    whose level was not stated (they get B1, `Language`'s default)."""
    stated: dict[str, LanguageLevel | None] = {}
    for line in lines:
        for item in re.split(r"[,;|/·•]|\s{3,}", line):
            for found in _stated(item):
                if stated.get(found.code) is None:
                    stated[found.code] = found.level
    for code, level in language_test_levels(lines).items():
        if stated.get(code) is None:
            stated[code] = level
    languages = [Language(code, level or LanguageLevel.B1) for code, level in stated.items()]
    return languages, [code for code, level in stated.items() if level is None]


def _stated(item: str) -> list[_Stated]:
    codes = list(dict.fromkeys(_NAME_CODE[m.group(0).casefold()] for m in _LANGUAGE.finditer(item)))
    if not codes:
        return []
    return [_Stated(code, level_of(item) if len(codes) == 1 else None) for code in codes]


def level_of(text: str) -> LanguageLevel | None:
    """The level `text` states: a CEFR code, a level word (native, fluent, 능통, lancar...) or 상/중/하."""
    cefr = _CEFR.search(text)
    if cefr:
        return LanguageLevel(cefr.group(1))
    for level, pattern in _LEVEL_WORDS:
        if pattern.search(text):
            return level
    grade = _KOREAN_GRADE.search(text)
    if grade:
        return {"상": LanguageLevel.C1, "중": LanguageLevel.B1, "하": LanguageLevel.A2}[grade.group(1)]
    return None


def language_test_levels(lines: list[str]) -> dict[str, LanguageLevel]:
    """The best CEFR level each language test in `lines` shows ("TOEIC 850" -> en: B2, "TOPIK 5급" -> ko: C1)."""
    found: dict[str, LanguageLevel] = {}
    for match in _TEST.finditer("\n".join(lines)):
        result = _test_level(match.group("test").casefold(), match.group("score"))
        if result is not None:
            code, level = result
            if code not in found or _RANK.index(level) > _RANK.index(found[code]):
                found[code] = level
    return found


_RANK = [LanguageLevel.A1, LanguageLevel.A2, LanguageLevel.B1, LanguageLevel.B2, LanguageLevel.C1, LanguageLevel.C2]
_SIX = dict(zip(range(1, 7), _RANK, strict=True))


def _test_level(test: str, score_text: str) -> tuple[str, LanguageLevel] | None:
    if test == "jlpt":
        number = int(score_text.removeprefix("N").removeprefix("n") or 0)
        return ("ja", _RANK[5 - number]) if 1 <= number <= 5 else None
    score = float(score_text.lstrip("Nn"))
    bands: tuple[tuple[float, LanguageLevel], ...]
    if test == "toeic":
        bands = ((945, LanguageLevel.C1), (785, LanguageLevel.B2), (550, LanguageLevel.B1), (225, LanguageLevel.A2))
        return "en", next((level for floor, level in bands if score >= floor), LanguageLevel.A1)
    if test == "ielts":
        bands = ((8.5, LanguageLevel.C2), (7, LanguageLevel.C1), (5.5, LanguageLevel.B2), (4, LanguageLevel.B1))
        return "en", next((level for floor, level in bands if score >= floor), LanguageLevel.A2)
    if test.startswith("toefl"):
        bands = ((95, LanguageLevel.C1), (72, LanguageLevel.B2), (42, LanguageLevel.B1))
        return "en", next((level for floor, level in bands if score >= floor), LanguageLevel.A2)
    level = _SIX.get(int(score))
    return (("ko" if test == "topik" else "zh"), level) if level else None


# Certificates ------------------------------------------------------------------------------


def certificates_in(lines: list[str]) -> list[Certificate]:
    """One certificate per line: its name, the issuer after a dash, comma or bracket, and the year if written."""
    found: list[Certificate] = []
    for line in lines:
        text = re.sub(r"^\s*(?:[-*•·▪●○◦■□▶►✓–]|\d{1,2}[.)]\s)\s*", "", line).strip()
        if not re.search(r"\w", text):
            continue
        period = find_period(text)
        when = (period.ended or period.started) if period else None
        year = when.year if when else None
        pieces = pieces_of(_without_dates(text).replace(" - ", " | ").replace("(", " | ").replace(")", " "))
        if not pieces:
            continue
        issuer = re.sub(r"(?i)^(?:issued by|by|oleh|발급)\s+|\s*발급$", "", pieces[1]) if len(pieces) > 1 else ""
        found.append(Certificate(_clip(pieces[0], MAX_NAME), _clip(issuer, MAX_NAME), year))
    return found
