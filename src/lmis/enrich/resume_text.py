"""Reading a CV's plain text (pure): sections by their headings (English, Korean, Indonesian), date ranges
in the common CV forms, and the job entries of the experience section.

Dates are the first day of their month; a year alone starts in January and ends in December.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Section(StrEnum):
    HEADER = "header"  # the lines before the first heading (name, contact)
    SUMMARY = "summary"
    EXPERIENCE = "experience"
    EDUCATION = "education"
    SKILLS = "skills"
    LANGUAGES = "languages"
    CERTIFICATES = "certificates"
    OTHER = "other"  # a section read by nothing (references, hobbies, projects...)


_HEADINGS: dict[Section, tuple[str, ...]] = {
    Section.SUMMARY: (
        "summary", "profile", "professional summary", "personal profile", "career summary", "about me", "objective",
        "career objective", "personal statement", "자기소개", "요약", "소개", "프로필", "경력 요약", "ringkasan",
        "profil", "tentang saya", "tujuan karir", "profil singkat",
    ),
    Section.EXPERIENCE: (
        "experience", "work experience", "professional experience", "employment", "employment history",
        "work history", "career history", "career", "relevant experience", "경력", "경력 사항", "경력사항",
        "직무 경력", "근무 경력", "업무 경력", "주요 경력", "경험", "pengalaman", "pengalaman kerja",
        "riwayat pekerjaan", "riwayat kerja", "pengalaman profesional", "riwayat pengalaman kerja",
    ),
    Section.EDUCATION: (
        "education", "academic background", "qualifications", "academic qualifications", "education and training",
        "educational background", "학력", "학력 사항", "학력사항", "교육 사항", "pendidikan", "riwayat pendidikan",
        "pendidikan formal", "latar belakang pendidikan",
    ),
    Section.SKILLS: (
        "skills", "key skills", "technical skills", "core skills", "core competencies", "competencies", "expertise",
        "skills and abilities", "it skills", "computer skills", "기술", "보유 기술", "보유기술", "역량", "핵심 역량",
        "스킬", "기술 스택", "keahlian", "keterampilan", "kemampuan", "kompetensi", "keahlian teknis",
    ),
    Section.LANGUAGES: (
        "languages", "language skills", "language", "언어", "외국어", "어학", "어학 능력", "외국어 능력", "bahasa",
        "kemampuan bahasa", "penguasaan bahasa",
    ),
    Section.CERTIFICATES: (
        "certificates", "certifications", "certificate", "licences", "licenses", "certificates and licences",
        "licenses and certifications", "licences and certificates", "certifications and licenses", "자격증",
        "자격 사항", "자격사항", "자격증 및 면허", "면허", "자격", "sertifikat", "sertifikasi", "lisensi",
        "sertifikat dan lisensi",
    ),
    Section.OTHER: (
        "references", "interests", "hobbies", "projects", "awards", "publications", "volunteering", "contact",
        "personal details", "personal information", "activities", "인적 사항", "인적사항", "수상", "수상 경력",
        "취미", "프로젝트", "활동", "대외 활동", "data pribadi", "data diri", "hobi", "referensi", "penghargaan",
        "organisasi", "proyek", "pengalaman organisasi",
    ),
}  # fmt: skip


def heading_key(text: str) -> str:
    """A heading folded for lookup: no case, numbering, punctuation, spaces or "and"."""
    folded = re.sub(r"(?i)\b(and|dan)\b|&|및", " ", text.casefold())
    return re.sub(r"[\W\d_]+", "", folded)


_HEADING_INDEX = {heading_key(text): section for section, texts in _HEADINGS.items() for text in texts}


def section_of(line: str) -> tuple[Section, str] | None:
    """The section a heading line opens and the text following it on the line ("Skills: SQL" -> SQL), or None.

    Text after the colon is taken only for list sections: "Experience: 5 years" in a summary opens nothing.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 80:
        return None
    inline = re.match(r"([^:：]{1,60})[:：]\s*(.*)$", stripped)
    head, rest = (inline.group(1), inline.group(2).strip()) if inline else (stripped, "")
    section = _HEADING_INDEX.get(heading_key(head)) if len(head.split()) <= 5 else None
    if section is None and len(head.split()) <= 4 and (head.isupper() or (inline and not rest)):
        section = _heading_prefix(heading_key(head))  # "WORK EXPERIENCE & INTERNSHIPS", "Education details:"
    if section is None or (rest and section not in _INLINE):
        return None
    return section, rest


def _heading_prefix(key: str) -> Section | None:
    """The section of the longest known heading `key` starts with (headings of 5+ letters only)."""
    known = [k for k in _HEADING_INDEX if len(k) >= 5 and key.startswith(k)]
    return _HEADING_INDEX[max(known, key=len)] if known else None


_INLINE = frozenset({Section.SKILLS, Section.LANGUAGES, Section.CERTIFICATES, Section.OTHER})


def split_sections(text: str) -> dict[Section, list[str]]:
    """The lines of each section, in order (a section named twice gets both parts); headings left out."""
    sections: dict[Section, list[str]] = {Section.HEADER: []}
    current = Section.HEADER
    for line in text.split("\n"):
        found = section_of(line)
        if found is not None:
            current, rest = found
            sections.setdefault(current, [])
            if rest:
                sections[current].append(rest)
            continue
        sections[current].append(line.rstrip())
    return sections


# Dates -------------------------------------------------------------------------------------

_YEAR = r"(?:19[5-9]\d|20\d\d)"
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "mei": 5, "jun": 6, "jul": 7, "aug": 8, "agu": 8, "agt": 8,
    "ags": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "des": 12,
}  # fmt: skip
_MONTH_NAME = (
    r"jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch|et)?|apr(?:il)?|ma[yi]|jun[ei]?|jul[yi]?|aug(?:ust)?|"
    r"agu(?:stus)?|ag[st]|sep(?:t(?:ember)?)?|o[ck]t(?:ober)?|nov(?:ember)?|de[cs](?:ember)?"
)
_PRESENT = r"\b(?:present|current(?:ly)?|now|today|ongoing|to date|sekarang|saat ini|kini)\b|현재|재직\s?중|진행\s?중"
_TOKEN = re.compile(
    rf"(?P<ky>{_YEAR})\s*년(?:\s*(?P<km>1[0-2]|0?[1-9])\s*월)?"
    rf"|\b(?P<d1>\d{{1,2}})[./-](?P<d2>\d{{1,2}})[./-](?P<dy>{_YEAR})\b"
    rf"|\b(?P<y>{_YEAR})(?:\.\s?|/|-)(?P<m>1[0-2]|0?[1-9])(?:(?:\.\s?|/|-)(?P<d>3[01]|[12]\d|0?[1-9]))?\.?(?!\d)"
    rf"|\b(?P<mm>1[0-2]|0?[1-9])\s?[./-]\s?(?P<my>{_YEAR})\b"
    rf"|\b(?P<mon>{_MONTH_NAME})\.?,?\s+(?P<mony>{_YEAR})\b"
    rf"|\b(?P<year>{_YEAR})\b(?![./-]?\d{{1,2}}\b)"
    rf"|(?P<now>{_PRESENT})",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\s*(?:[-–—~∼]+|to|until|till|through|sampai|hingga|s\.?\s?/?d\.?|부터|에서)?\s*[-–—~]?\s*", re.I
)


@dataclass(frozen=True, slots=True)
class Period:
    """A date range found in a line: where it is (`start`, `end` offsets) and its dates (`ended` None: ongoing)."""

    started: date | None
    ended: date | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Token:
    first: date | None  # None: "present"
    last: date | None
    start: int
    end: int


def _token(match: re.Match[str]) -> _Token | None:
    g = match.groupdict()
    if g["now"]:
        return _Token(None, None, match.start(), match.end())
    if g["year"] or (g["ky"] and not g["km"]):
        year = int(g["year"] or g["ky"])
        return _Token(date(year, 1, 1), date(year, 12, 1), match.start(), match.end())
    if g["dy"]:
        first, second = int(g["d1"]), int(g["d2"])
        day, month = (second, first) if second > 12 >= first else (first, second)  # day first unless impossible
        year, day_text = int(g["dy"]), str(day)
    else:
        year = int(g["ky"] or g["y"] or g["my"] or g["mony"])
        month = int(g["km"] or g["m"] or g["mm"] or 0) or _MONTHS[g["mon"][:3].casefold()]
        day_text = g["d"] or "1"
    try:
        value = date(year, month, int(day_text))
    except ValueError:
        return None
    return _Token(value, value, match.start(), match.end())


def find_period(line: str) -> Period | None:
    """The first date range of `line` ("2019-03 – present", "2019년 3월 ~ 현재"...), else a lone date, else None."""
    tokens = [token for match in _TOKEN.finditer(line) if (token := _token(match)) is not None]
    for index, token in enumerate(tokens):
        if token.first is None:
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and _BETWEEN.fullmatch(line[token.end : following.start]):
            ended = following.last
            if ended is not None and following.first is not None and ended < token.first:  # "2021 – 2019"
                return Period(following.first, token.last, token.start, following.end)
            return Period(token.first, ended, token.start, following.end)
        since = re.search(r"(?i)(since|sejak)\s*$", line[: token.start])
        if since:
            return Period(token.first, None, since.start(), token.end)
        return Period(token.first, token.last, token.start, token.end)
    return None


# Job entries -------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*•·▪●○◦■□▶►✓–]|\d{1,2}[.)]\s)\s*")
_SEPARATORS = re.compile(r"\s+(?:\||@|at|di|–|—|-|/|·)\s+|\s*[,|\t]\s*|\s{3,}", re.IGNORECASE)
_AT = re.compile(r"\s+(?:at|@|di)\s+", re.IGNORECASE)
COMPANY = re.compile(
    r"(?i:\b(?:ltd|limited|inc|corp|corporation|llc|llp|plc|gmbh|company|group|holdings|bank|hospital|clinic|"
    r"university|college|school|institute|agency|ministry|council|foundation|trust|nhs|persero|yayasan|"
    r"rumah sakit|universitas|sekolah|dinas|kementerian|puskesmas)\b|&\s?co\b|\bco\.)|\b(?:PT|CV|Tbk)\b|"
    r"\(주\)|㈜|주식회사|\(유\)|유한회사|병원|의원|대학교|학교|공사|공단|재단|은행|그룹|센터|연구소|시청|구청",
)
ROLE = re.compile(
    r"\b(?:developer|engineer|manager|director|assistant|analyst|nurse|teacher|lecturer|officer|specialist|"
    r"consultant|designer|administrator|technician|coordinator|clerk|accountant|driver|operator|supervisor|"
    r"intern|cashier|chef|cook|representative|executive|architect|programmer|scientist|researcher|worker|"
    r"staff?|karyawan|manajer|guru|dosen|perawat|bidan|teknisi|pengemudi|sopir|kasir|admin\w*|insinyur|"
    r"pegawai|konsultan|analis|pengembang|carer|care assistant|midwife|pharmacist|receptionist)\b|"
    r"개발자|엔지니어|간호사|교사|강사|매니저|디자이너|연구원|사원|대리|과장|차장|부장|팀장|실장|상담사|요리사|관리자|"
    r"사무원|회계사|분석가|컨설턴트|기획자|마케터",
    re.IGNORECASE,
)


_RANK = re.compile(r"사원|주임|대리|과장|차장|부장|팀장|실장|이사|인턴|선임|책임|수석")
# "Company: Acme" blocks (English, Korean, Indonesian): the label says what the value is.
_LABELS = {
    "employer": r"company|employer|organi[sz]ation|회사명?|근무처|직장명?|기관명?|nama perusahaan|perusahaan|instansi",
    "title": r"position|job title|title|role|직위|직책|직무|직종|담당\s?직무|posisi|jabatan",
    "period": r"period|dates?|duration|근무\s?기간|재직\s?기간|기간|periode|masa kerja|lama bekerja",
    "description": r"responsibilities|duties|description|담당\s?업무|주요\s?업무|업무\s?내용|tugas|deskripsi|"
    r"tanggung jawab",
}
_LABELLED = re.compile(
    r"^\W*(?:" + "|".join(f"(?P<{key}>{pattern})" for key, pattern in _LABELS.items()) + r")\s*[:：]\s*(?P<value>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class JobEntry:
    """A job as read from the experience section; `ordered` is False when title and employer may be swapped."""

    title: str
    employer: str
    started: date | None
    ended: date | None
    description: str
    ordered: bool = True
    dated: bool = True


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def _is_short(line: str) -> bool:
    """A line that can name a job or employer: not a bullet, at most 12 words, not a sentence."""
    stripped = line.strip()
    return bool(stripped) and not is_bullet(line) and len(stripped.split()) <= 12 and not stripped.endswith(".")


def pieces_of(text: str) -> list[str]:
    """The parts of a job line between separators (" | ", " at ", ", ", " – ", tabs, wide gaps)."""
    parts = (_unwrapped(part.strip(" \t:;,-–—|")) for part in _SEPARATORS.split(text.strip()))
    return [part for part in parts if part and re.search(r"\w", part)]


def _unwrapped(text: str) -> str:
    """`text` without a bracket that is not closed ("(Seoul" -> "Seoul") or wraps it all ("(Seoul)")."""
    if text.startswith(("(", "[")) and (text.count("(") + text.count("[")) > (text.count(")") + text.count("]")):
        text = text[1:]
    if text.endswith((")", "]")) and (text.count(")") + text.count("]")) > (text.count("(") + text.count("[")):
        text = text[:-1]
    if re.fullmatch(r"[(\[][^()\[\]]*[)\]]", text):
        text = text[1:-1]
    return text.strip().rstrip("([ ").lstrip(")] ")


def _split_one(piece: str) -> list[str]:
    """An employer and a title run together ("삼성병원 간호사", "(주)에이비씨 개발팀 대리") as two pieces."""
    words = piece.split()
    for cut in range(1, len(words)):
        if COMPANY.search(words[cut - 1]) and ROLE.search(" ".join(words[cut:])):
            return [" ".join(words[:cut]), " ".join(words[cut:])]
    return [piece]


def title_and_employer(texts: list[str]) -> tuple[str, str, str, bool]:
    """(title, employer, the rest, ordered) of the head lines of a job."""
    if len(texts) == 1 and _AT.search(texts[0]):
        title, employer = _AT.split(texts[0], maxsplit=1)
        title_pieces, employer_pieces = pieces_of(title), pieces_of(employer)
        if title_pieces and employer_pieces:
            return title_pieces[0], employer_pieces[0], ", ".join(employer_pieces[1:]), True
    pieces = [piece for text in texts for piece in pieces_of(text)]
    if len(pieces) == 1:
        pieces = _split_one(pieces[0])
    if len(pieces) < 2:
        return (pieces[0] if pieces else ""), "", "", True
    employer = next((p for p in pieces if COMPANY.search(p) and not ROLE.search(p)), None)
    title = next((p for p in pieces if ROLE.search(p) and p != employer), None)
    if employer is None and title is not None:
        employer = next(p for p in pieces if p != title)
    if title is None and employer is not None:
        title = next(p for p in pieces if p != employer)
    ordered = title is not None
    title, employer = title or pieces[0], employer or pieces[1]
    rest = [p for p in pieces if p not in (title, employer)]
    if _RANK.fullmatch(title) and rest:  # a Korean rank (대리, 과장) says less than the duty beside it
        title, rest = f"{rest[0]} ({title})", rest[1:]
    return title, employer, ", ".join(rest), ordered


def job_entries(lines: list[str]) -> list[JobEntry]:
    """The jobs of an experience section: each anchored on a line with a date range, its title and employer
    on that line or on up to two short lines before it (or after it, when the section starts with a date)."""
    if sum(1 for line in lines if _LABELLED.match(line)) >= 2:
        return _labelled_entries(lines)
    anchors = [(i, period) for i, line in enumerate(lines) if (period := find_period(line)) is not None]
    if not anchors:
        return _undated_entries(lines)
    first, first_period = anchors[0]
    after_layout = not _remainder(lines[first], first_period) and not _heads_before(lines, first, 0)
    heads: list[list[str]] = []
    starts: list[int] = []  # where each job's description starts
    ends: list[int] = []  # where each job's lines start (the previous description ends there)
    for index, period in anchors:
        own = _remainder(lines[index], period)
        before = [] if after_layout or len(own) > 1 else _heads_before(lines, index, starts[-1] if starts else 0)
        before = before[len(before) - (2 - len(own)) :] if before else []
        after = _heads_after(lines, index) if not own and not before else []
        heads.append([lines[j] for j in before] + ([" | ".join(own)] if own else []) + [lines[j] for j in after])
        ends.append(index - len(before))
        starts.append(index + 1 + len(after))
    ends = [*ends[1:], len(lines)]
    return [
        _entry(head, period, lines[start:end])
        for head, (_index, period), start, end in zip(heads, anchors, starts, ends, strict=True)
    ]


def _remainder(line: str, period: Period) -> list[str]:
    return pieces_of(_BULLET.sub("", line[: period.start] + " | " + line[period.end :]))


def _heads_before(lines: list[str], index: int, consumed: int) -> list[int]:
    found: list[int] = []
    j = index - 1
    while j >= consumed and len(found) < 2 and _is_short(lines[j]) and find_period(lines[j]) is None:
        found.insert(0, j)
        j -= 1
    return found


def _heads_after(lines: list[str], index: int) -> list[int]:
    found: list[int] = []
    j = index + 1
    while j < len(lines) and len(found) < 2 and _is_short(lines[j]) and find_period(lines[j]) is None:
        found.append(j)
        if len(pieces_of(lines[j])) > 1:
            break
        j += 1
    return found


def _entry(heads: list[str], period: Period | None, body: list[str]) -> JobEntry:
    title, employer, rest, ordered = title_and_employer(heads)
    description = "\n".join(_BULLET.sub("", line).strip() for line in [rest, *body] if line.strip())
    started, ended = (period.started, period.ended) if period else (None, None)
    return JobEntry(title, employer, started, ended, description, ordered, dated=period is not None)


def _undated_entries(lines: list[str]) -> list[JobEntry]:
    """Jobs of a section without dates: each short line after a gap or a description starts one
    (two single-part short lines in a row are one job: title and employer)."""
    entries: list[tuple[list[str], list[str]]] = []
    previous_short = False
    for line in lines:
        short = _is_short(line)
        pair = previous_short and len(entries[-1][0]) == 1 and len(pieces_of(entries[-1][0][0])) == 1
        if short and pair and len(pieces_of(line)) == 1:
            entries[-1][0].append(line)
        elif short:
            entries.append(([line], []))
        elif entries and line.strip():
            entries[-1][1].append(line)
        previous_short = short
    return [_entry(head, None, body) for head, body in entries]


def _labelled_entries(lines: list[str]) -> list[JobEntry]:
    """Jobs written as labelled fields ("Company: Acme", "직위: 대리", "Periode: 2019 - 2021"); a label seen
    again starts the next job, unlabelled lines belong to the description."""
    jobs: list[dict[str, str]] = [{}]
    for line in lines:
        match = _LABELLED.match(line)
        if match is None:
            if line.strip() and jobs[-1]:
                jobs[-1]["description"] = (jobs[-1].get("description", "") + "\n" + _BULLET.sub("", line)).strip()
            continue
        key = next(name for name in _LABELS if match.group(name))
        if key in jobs[-1] and key != "description":
            jobs.append({})
        jobs[-1][key] = (jobs[-1].get(key, "") + "\n" + match.group("value").strip()).strip()
    entries = []
    for job in (job for job in jobs if job.get("title") or job.get("employer")):
        period = find_period(job.get("period", ""))
        entries.append(
            JobEntry(
                title=job.get("title", "") or job.get("employer", ""),
                employer=job.get("employer", "") if job.get("title") else "",
                started=period.started if period else None,
                ended=period.ended if period else None,
                description=job.get("description", ""),
                dated=period is not None,
            )
        )
    return entries
