"""A deterministic synthetic corpus of job ads for the search benchmark (`bench.search`).

Titles follow a Zipf law over a few thousand ESCO occupation labels (the most common ones first)
plus about 15% Korean titles; bodies of 80-200 words mix sentences built from the skills ESCO
links to the occupation with common job-ad phrases (Korean ads get Korean bodies). Places are
20 regions (10 Korean, 10 British) with localities around real cities; about 7% of the ads are
re-posts of another ad on another source (same cluster_id). Same `seed` and `n`: same corpus.

    python -m bench.search_corpus --docs 1000   # prints a few documents and the generation rate
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from lmis.search.analysis import analysed
from lmis.search.model import SearchDocument

ESCO = Path(__file__).resolve().parent.parent / "data" / "taxonomy" / "esco"
NOW = datetime(2025, 6, 1, tzinfo=UTC)
DAYS = 90
KOREAN_SHARE, DUPLICATE_SHARE, ZIPF = 0.15, 0.07, 1.07
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"

# The head of the title distribution: what job boards see most often (matched to ESCO labels).
COMMON_TITLES = [
    "sales assistant", "care worker", "nurse", "truck driver", "software developer", "project manager",
    "cleaner", "cook", "warehouse worker", "teacher", "accountant", "customer service representative",
    "electrician", "receptionist", "chef", "waiter", "security guard", "mechanical engineer", "civil engineer",
    "store manager", "administrative assistant", "bus driver", "welder", "carpenter", "plumber",
    "pharmacist", "data scientist", "marketing manager", "web developer", "financial analyst",
    "nursing assistant", "kitchen porter", "forklift operator", "delivery driver", "hr manager",
    "software engineer", "social worker", "police officer", "electrical engineer", "bartender",
]  # fmt: skip

# (Korean title, ISCO-08 unit group): bases; variants are added below to reach ~200 titles.
KOREAN_BASES = [
    ("간호사", "2221"), ("간호조무사", "3221"), ("요양보호사", "5322"), ("사회복지사", "2635"), ("용접공", "7212"),
    ("소프트웨어 개발자", "2512"), ("웹 개발자", "2513"), ("데이터 분석가", "2511"), ("영업 관리자", "1221"),
    ("매장 관리자", "1420"), ("생산 관리자", "1321"), ("품질 관리 담당자", "3119"), ("물류 관리자", "1324"),
    ("회계 담당자", "3313"), ("경리 사무원", "4311"), ("사무 보조원", "4110"), ("고객 상담원", "4222"),
    ("콜센터 상담원", "4222"), ("판매원", "5223"), ("편의점 점원", "5223"), ("계산원", "5230"),
    ("조리사", "5120"), ("주방 보조", "9412"), ("제빵사", "7512"), ("바리스타", "5132"), ("서빙 직원", "5131"),
    ("택배 기사", "8322"), ("화물차 운전기사", "8332"), ("버스 운전기사", "8331"), ("지게차 운전원", "8344"),
    ("경비원", "5414"), ("청소원", "9112"), ("미화원", "9112"), ("건설 현장 근로자", "9313"), ("전기 기사", "7411"),
    ("전기 기술자", "3113"), ("기계 설계 엔지니어", "2144"), ("토목 기사", "2142"), ("건축 설계사", "2161"),
    ("배관공", "7126"), ("목수", "7115"), ("도장공", "7131"), ("자동차 정비사", "7231"), ("기계 조작원", "8189"),
    ("생산직 사원", "9329"), ("포장원", "9321"), ("물류 센터 작업자", "9333"), ("약사", "2262"),
    ("물리치료사", "2264"), ("임상병리사", "3212"), ("방사선사", "3211"), ("치과위생사", "3251"), ("의사", "2211"),
    ("보육교사", "5311"), ("유치원 교사", "2342"), ("학원 강사", "2359"), ("영어 강사", "2353"),
    ("초등학교 교사", "2341"), ("마케팅 담당자", "2431"), ("디자이너", "2166"), ("그래픽 디자이너", "2166"),
    ("인사 담당자", "2423"), ("재무 분석가", "2413"), ("세무사", "2411"), ("법무 담당자", "2619"),
    ("연구원", "2149"), ("화학 연구원", "2113"), ("네트워크 관리자", "2523"), ("시스템 관리자", "2522"),
    ("정보보안 전문가", "2529"), ("미용사", "5141"), ("피부 관리사", "5142"), ("호텔 프런트 직원", "4224"),
    ("여행 상담원", "4221"), ("부동산 중개인", "3334"), ("보험 설계사", "3321"), ("은행 창구 직원", "4211"),
    ("농업 근로자", "9211"), ("어선 선원", "6222"), ("가사 도우미", "9111"), ("간병인", "5322"),
    ("활동지원사", "5322"), ("조선 용접공", "7212"), ("반도체 장비 엔지니어", "2152"), ("품질 검사원", "7543"),
]  # fmt: skip
KOREAN_VARIANTS = ["{} (정규직)", "신입 {}", "경력 {}", "{} 팀장", "야간 {}"]
KOREAN_WORDS = [
    "환자",
    "간호",
    "관리",
    "업무",
    "경험",
    "우대",
    "근무",
    "시간",
    "주5일",
    "교대",
    "근무",
    "가능",
    "자격증",
    "소지자",
    "책임감",
    "성실",
    "고객",
    "응대",
    "서비스",
    "제공",
    "장비",
    "운용",
    "안전",
    "수칙",
    "준수",
    "팀워크",
    "의사소통",
    "능력",
    "문서",
    "작성",
    "컴퓨터",
    "활용",
    "능력",
    "운전면허",
    "소지",
    "재고",
    "관리",
    "매장",
    "운영",
    "품질",
    "점검",
    "생산",
    "라인",
    "설비",
    "유지",
    "보수",
    "용접",
    "작업",
    "도면",
    "해독",
    "데이터",
    "분석",
    "프로그램",
    "개발",
    "시스템",
    "운영",
    "고객",
    "상담",
    "판매",
    "영업",
    "회계",
    "처리",
    "급여",
    "정산",
    "조리",
    "위생",
    "관리",
    "청소",
    "정리",
    "배송",
    "물류",
    "입출고",
    "지게차",
    "운전",
    "아동",
    "보육",
    "교육",
    "프로그램",
    "요양",
    "돌봄",
    "어르신",
    "생활",
    "지원",
    "상담",
    "기록",
    "보고서",
    "작성",
    "일정",
    "관리",
    "협력",
    "업체",
    "관리",
    "신규",
    "직원",
    "교육",
    "경력자",
    "우대",
    "신입",
    "가능",
    "4대",
    "보험",
    "퇴직금",
    "연차",
    "식대",
    "지원",
    "기숙사",
    "제공",
    "통근",
    "버스",
    "성과급",
    "상여금",
    "정규직",
    "전환",
    "가능",
    "수습",
    "기간",
    "3개월",
]
KOREAN_SENTENCES = [
    "{t} 모집합니다.", "{w} {w} 업무를 담당합니다.", "{w} {w} 경험이 있으신 분을 우대합니다.",
    "근무 조건은 {w} {w} 입니다.", "{w} 및 {w} 능력이 필요합니다.", "주요 업무는 {w} {w} {w} 입니다.",
    "{w} {w} {w} 가능하신 분 지원 바랍니다.", "복리후생: {w} {w} {w}.",
]  # fmt: skip
ENGLISH_SENTENCES = [
    "We are looking for a {t} to join our team.", "You will be responsible for {s} and {s}.",
    "Experience in {s} is essential.", "Knowledge of {s} would be an advantage.",
    "The successful candidate will {s} and support {s}.", "Key duties include {s}, {s} and {s}.",
    "This is a {e} position based in our {p} office.", "We offer a competitive salary, pension and training.",
    "Applicants must be able to work as part of a team and communicate clearly.",
    "Full training will be provided for the right candidate.", "Please apply with your CV and a cover letter.",
    "You should have good communication skills and attention to detail.",
    "Our company is an equal opportunities employer and welcomes applications from all.",
    "Shifts include weekends and evenings on a rota basis.", "A driving licence is desirable.",
]  # fmt: skip
# (region id, city, latitude, longitude, country)
REGIONS = [
    ("kr-11", "Seoul", 37.5665, 126.9780, "kr"), ("kr-26", "Busan", 35.1796, 129.0756, "kr"),
    ("kr-28", "Incheon", 37.4563, 126.7052, "kr"), ("kr-27", "Daegu", 35.8714, 128.6014, "kr"),
    ("kr-30", "Daejeon", 36.3504, 127.3845, "kr"), ("kr-29", "Gwangju", 35.1595, 126.8526, "kr"),
    ("kr-31", "Ulsan", 35.5384, 129.3114, "kr"), ("kr-41", "Suwon", 37.2636, 127.0286, "kr"),
    ("kr-42", "Chuncheon", 37.8813, 127.7298, "kr"), ("kr-49", "Jeju", 33.4996, 126.5312, "kr"),
    ("gb-lnd", "London", 51.5074, -0.1278, "gb"), ("gb-man", "Manchester", 53.4808, -2.2426, "gb"),
    ("gb-bir", "Birmingham", 52.4862, -1.8904, "gb"), ("gb-lds", "Leeds", 53.8008, -1.5491, "gb"),
    ("gb-gla", "Glasgow", 55.8642, -4.2518, "gb"), ("gb-edh", "Edinburgh", 55.9533, -3.1883, "gb"),
    ("gb-bst", "Bristol", 51.4545, -2.5879, "gb"), ("gb-crf", "Cardiff", 51.4816, -3.1791, "gb"),
    ("gb-bfs", "Belfast", 54.5973, -5.9301, "gb"), ("gb-nwc", "Newcastle", 54.9783, -1.6178, "gb"),
]  # fmt: skip
REGION_WEIGHTS = np.array([30, 8, 6, 5, 4, 3, 3, 10, 2, 1, 30, 8, 8, 5, 5, 4, 4, 3, 2, 3], dtype=float)
EMPLOYMENT = ["full_time", "part_time", "temporary", "contractor", "intern"]
EMPLOYMENT_WEIGHTS = np.array([0.62, 0.2, 0.1, 0.06, 0.02])
SOURCES = ["worknet", "saramin", "jobkorea", "nhs_jobs", "find_a_job", "indeed", "reed", "employer_site"]
EDUCATION = ["", "high school", "bachelor", "master", "vocational"]


@dataclass(frozen=True, slots=True)
class Title:
    """One title of the vocabulary: its text, ESCO concept id, ISCO code and language."""

    text: str
    concept_id: str
    isco: str
    language: str
    skills: tuple[str, ...]


def _csv(name: str) -> list[dict[str, str]]:
    with gzip.open(ESCO / name, "rb") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))


def vocabulary(size: int, seed: int) -> list[Title]:
    """`size` English titles from ESCO (common ones first, then a seeded shuffle), then the Korean titles."""
    rng = np.random.default_rng(seed)
    skill_label = {row["conceptUri"]: row["preferredLabel"] for row in _csv("skills_en.csv.gz")}
    skills_of: dict[str, list[str]] = defaultdict(list)
    for row in _csv("occupationSkillRelations.csv.gz"):
        if row["skillUri"] in skill_label:
            skills_of[row["occupationUri"]].append(skill_label[row["skillUri"]])
    occupations = sorted(_csv("occupations_en.csv.gz"), key=lambda row: row["conceptUri"])
    labels: list[tuple[str, dict[str, str]]] = []
    for row in occupations:
        labels.append((row["preferredLabel"], row))
        labels += [(alt.strip(), row) for alt in row["altLabels"].splitlines() if alt.strip()]

    def title(text: str, row: dict[str, str]) -> Title:
        uri = row["conceptUri"]
        return Title(text, "esco:" + uri.rsplit("/", 1)[-1][:8], row["iscoGroup"], "en", tuple(skills_of[uri][:40]))

    by_label = {text.lower(): row for text, row in labels}
    head = [title(t, by_label[t] if t in by_label else _like(t, labels)) for t in COMMON_TITLES]
    seen = {t.text.lower() for t in head}
    rest = [labels[i] for i in rng.permutation(len(labels))]
    english = list(head)
    for text, row in rest:
        if len(english) >= size:
            break
        if text.lower() not in seen and len(text) < 60:
            seen.add(text.lower())
            english.append(title(text, row))
    korean = [Title(k, f"isco:{c}", c, "ko", ()) for k, c in KOREAN_BASES]
    korean += [Title(v.format(k), f"isco:{c}", c, "ko", ()) for v in KOREAN_VARIANTS for k, c in KOREAN_BASES[:24]]
    return english + korean


def _like(text: str, labels: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    last = text.split()[-1]
    return next((r for t, r in labels if last in t.lower().split()), labels[0][1])


def posting_id(number: int) -> str:
    """A 12-character base32 id, distinct for every number below 2**60 (a bijective scramble)."""
    key = (number * 0x9E3779B97F4A7C1) % (1 << 60)
    return "".join(_BASE32[(key >> (5 * (11 - i))) & 31] for i in range(12))


def _zipf_ranks(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** ZIPF
    return rng.choice(size, size=n, p=weights / weights.sum())


@dataclass(frozen=True, slots=True)
class Corpus:
    """The documents, the title vocabulary and what building them cost."""

    documents: list[SearchDocument]
    titles: list[Title]
    generate_seconds: float
    analyse_seconds: float


def generate(n: int, seed: int = 7, title_count: int = 4000) -> Corpus:
    """`n` documents; the same (n, seed) always gives the same corpus."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    titles = vocabulary(title_count, seed)
    english = [t for t in titles if t.language == "en"]
    korean = [t for t in titles if t.language == "ko"]
    draws = _Draws(rng, n, len(english), len(korean))
    originals: list[tuple[Title, str, int, int]] = []
    raw: list[tuple[Title, str, int, int]] = []
    for i in range(n):
        if draws.duplicate[i] and originals:
            title, body, region, first = originals[int(draws.original[i] * len(originals))]
            raw.append((title, body.replace(".", ". ", 1), region, first))
            continue
        title = korean[draws.ko_rank[i]] if draws.korean[i] else english[draws.en_rank[i]]
        region = int(draws.region_kr[i] if title.language == "ko" else draws.region_gb[i])
        body = _body(title, REGIONS[region][1], int(draws.body_words[i]), int(draws.sentence_seed[i]))
        originals.append((title, body, region, i))
        raw.append((title, body, region, i))
    generate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    title_tokens: dict[str, str] = {}
    documents = []
    for i, (title, body, region, _first) in enumerate(raw):
        if title.text not in title_tokens:
            title_tokens[title.text] = analysed(title.text)
        doc = _document(i, title, body, region, draws)
        documents.append(replace(doc, title_tokens=title_tokens[title.text], body_tokens=analysed(body)))
    analyse_seconds = time.perf_counter() - started
    # A re-post joins the vacancy (cluster) of the ad it copies, on another source.
    documents = [
        replace(
            doc, cluster_id=documents[first].posting_id, source=SOURCES[(SOURCES.index(doc.source) + 1) % len(SOURCES)]
        )
        if first != i
        else doc
        for i, ((_t, _b, _r, first), doc) in enumerate(zip(raw, documents, strict=True))
    ]
    return Corpus(documents, titles, generate_seconds, analyse_seconds)


class _Draws:
    """Every random draw of a corpus, made up front (vectorised) so that generation is deterministic."""

    def __init__(self, rng: np.random.Generator, n: int, english: int, korean: int) -> None:
        self.korean = rng.random(n) < KOREAN_SHARE
        self.en_rank = _zipf_ranks(rng, n, english)
        self.ko_rank = _zipf_ranks(rng, n, korean)
        kr = np.array([i for i, r in enumerate(REGIONS) if r[4] == "kr"])
        gb = np.array([i for i, r in enumerate(REGIONS) if r[4] == "gb"])
        self.region_kr = rng.choice(kr, size=n, p=REGION_WEIGHTS[kr] / REGION_WEIGHTS[kr].sum())
        self.region_gb = rng.choice(gb, size=n, p=REGION_WEIGHTS[gb] / REGION_WEIGHTS[gb].sum())
        self.employment = rng.choice(len(EMPLOYMENT), size=n, p=EMPLOYMENT_WEIGHTS)
        self.second_type = rng.random(n) < 0.1
        self.locality = rng.integers(0, 8, size=n)
        self.offset = rng.normal(0.0, 0.06, size=(n, 2))
        self.posted = rng.integers(0, DAYS * 86_400, size=n)
        self.validity = rng.integers(14, 75, size=n)
        self.open_ended = rng.random(n) < 0.2
        self.has_salary = rng.random(n) < 0.7
        self.salary = rng.lognormal(np.log(35_000), 0.45, size=n)
        self.spread = rng.uniform(1.0, 1.4, size=n)
        self.body_words = rng.integers(80, 201, size=n)
        self.duplicate = rng.random(n) < DUPLICATE_SHARE
        self.original = rng.random(n)
        self.sentence_seed = rng.integers(0, 2**62, size=n)
        self.source = rng.integers(0, len(SOURCES), size=n)
        self.education = rng.integers(0, len(EDUCATION), size=n)
        self.experience = rng.integers(-1, 61, size=n)
        self.employer = rng.integers(0, 5_000, size=n)
        self.remote = rng.random(n) < 0.04
        self.no_coordinates = rng.random(n) < 0.03


def _body(title: Title, city: str, count: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    out: list[str] = []
    size = 0
    if title.language == "ko":
        while size < count:
            template = KOREAN_SENTENCES[int(rng.integers(len(KOREAN_SENTENCES)))]
            picks = iter(KOREAN_WORDS[int(j)] for j in rng.integers(0, len(KOREAN_WORDS), size=4))
            sentence = template.replace("{t}", title.text)
            while "{w}" in sentence:
                sentence = sentence.replace("{w}", next(picks), 1)
            out.append(sentence)
            size += len(sentence.split())
        return " ".join(out)
    skills = title.skills or ("customer service", "teamwork", "time management")
    while size < count:
        template = ENGLISH_SENTENCES[int(rng.integers(len(ENGLISH_SENTENCES)))]
        picks = iter(skills[int(j)] for j in rng.integers(0, len(skills), size=3))
        sentence = template.replace("{t}", title.text).replace("{p}", city)
        sentence = sentence.replace("{e}", EMPLOYMENT[int(rng.integers(0, 3))].replace("_", "-"))
        while "{s}" in sentence:
            sentence = sentence.replace("{s}", next(picks), 1)
        out.append(sentence)
        size += len(sentence.split())
    return " ".join(out)


def _document(i: int, title: Title, body: str, region: int, d: _Draws) -> SearchDocument:
    region_id, _city, latitude, longitude, country = REGIONS[region]
    posted = NOW - timedelta(seconds=int(d.posted[i]))
    salary_min = float(round(d.salary[i], -2)) if d.has_salary[i] else None
    salary_max = float(round(d.salary[i] * d.spread[i], -2)) if d.has_salary[i] else None
    types = (EMPLOYMENT[d.employment[i]],) + (("temporary",) if d.second_type[i] and d.employment[i] != 2 else ())
    isco = title.isco
    employer = f"employer-{int(d.employer[i])}"
    coordinates = not d.no_coordinates[i]
    pid = posting_id(i)
    return SearchDocument(
        posting_id=pid,
        cluster_id=pid,
        title=title.text,
        body=body,
        title_tokens="",
        body_tokens="",
        language=title.language,
        source=SOURCES[(int(d.source[i]) % 3) if title.language == "ko" else 3 + int(d.source[i]) % 5],
        employer=employer,
        employer_name=employer.title(),
        occupations=(title.concept_id, *(f"isco:{isco[:k]}" for k in range(1, len(isco) + 1))),
        occupation_group=isco[:1],
        skills=tuple(f"skill:{zlib.crc32(s.encode()) % 100_000}" for s in title.skills[:5]),
        places=(country, region_id, f"{region_id}-{int(d.locality[i])}"),
        region=region_id,
        latitude=latitude + float(d.offset[i, 0]) if coordinates else None,
        longitude=longitude + float(d.offset[i, 1]) if coordinates else None,
        employment_types=types,
        working_time="part_time" if "part_time" in types else "full_time",
        salary_min=salary_min,
        salary_max=salary_max,
        salary_currency="KRW" if country == "kr" else "GBP",
        education=EDUCATION[int(d.education[i])],
        experience_months=int(d.experience[i]) if d.experience[i] >= 0 else None,
        posted_at=posted,
        valid_through=None if d.open_ended[i] else posted + timedelta(days=int(d.validity[i])),
        remote=bool(d.remote[i]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = generate(args.docs, args.seed)
    for doc in corpus.documents[:3]:
        print(doc.posting_id, doc.cluster_id, doc.language, doc.region, repr(doc.title), doc.body[:160])
    clusters = len({d.cluster_id for d in corpus.documents})
    print(f"{len(corpus.documents)} docs, {len(corpus.titles)} titles, {clusters} clusters")
    print(f"generate {corpus.generate_seconds:.1f} s, analyse {corpus.analyse_seconds:.1f} s "
          f"({len(corpus.documents) / corpus.analyse_seconds:,.0f} docs/s)")  # fmt: skip


if __name__ == "__main__":
    main()
