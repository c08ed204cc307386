"""Fraud risk of a job ad: named, explainable rule signals (English, Korean, Indonesian) combined by noisy-OR (pure).

Each flag is a pattern that consumer and labour authorities warn job seekers about:
- `upfront_fee`: a real employer never charges to hire (FTC "Job Scams"; Action Fraud "Recruitment
  fraud"; Korean Ministry of Employment and Labour on 선입금·등록비; Kemnaker on "biaya pendaftaran").
- `off_platform_contact`: talk moved to WhatsApp, Telegram, KakaoTalk 오픈채팅, a private mobile or
  free webmail leaves the platform's record (FTC; Action Fraud; Korean police 구인 사기 warnings).
- `pay_above_market`: pay far above the occupation's p90 wage is "too good to be true" (FTC; Action Fraud).
- `missing_employer`, `invalid_employer_id`: no name, or a registration number that cannot exist,
  leaves nothing to check against a company register.
- `duplicate_text_many_employers`: one text under many employer names is one actor's template.
- `urgency_bait`: pressure (urgent, limited slots, 급구, 당일 지급, segera) cuts checking time (FTC).
- `personal_data_request`: bank, ID or passport details before an interview enable identity theft
  (FTC); Korea's Personal Information Protection Act art. 24-2 restricts 주민등록번호 collection.
- `vague_work_at_home`: work from home + high pay + no experience, the classic FTC pattern.
- `missing_description`: an ad that says almost nothing gives nothing to verify.
- `money_mule`: receiving/forwarding money, reshipping, 통장 대여 or 현금 수거 recruit mules
  (Action Fraud money mules; Korean National Police Agency voice-phishing recruitment warnings).

score = 1 - prod(1 - weight) over fired flags, each flag firing at most once (its first evidence);
`fit_weights` re-estimates weights from moderator decisions. `method` names the rules, `version` the weights.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from lmis.enrich.salary import NormalisedSalary
from lmis.jobs.model import JobPosting
from lmis.shared.errors import Invalid

FRAUD_METHOD = "fraud-rules-1"
DEFAULT_WEIGHTS_VERSION = "weights-default-1"
MODERATION_THRESHOLD = 0.5  # ads at or above go to a moderator
PAY_ABOVE_MARKET_FACTOR = 1.5  # flag annual pay above this many times the occupation's p90
DUPLICATE_EMPLOYERS_MIN = 3  # distinct employers posting the same normalised text
MIN_DESCRIPTION_CHARS = 40  # fewer non-space characters than this is "missing"
PRIOR_STRENGTH = 5.0  # pseudo-observations behind the current weight when fitting


class FraudFlag(StrEnum):
    """A named reason an ad looks fraudulent."""

    UPFRONT_FEE = "upfront_fee"
    OFF_PLATFORM_CONTACT = "off_platform_contact"
    PAY_ABOVE_MARKET = "pay_above_market"
    MISSING_EMPLOYER = "missing_employer"
    INVALID_EMPLOYER_ID = "invalid_employer_id"
    DUPLICATE_TEXT_MANY_EMPLOYERS = "duplicate_text_many_employers"
    URGENCY_BAIT = "urgency_bait"
    PERSONAL_DATA_REQUEST = "personal_data_request"
    VAGUE_WORK_AT_HOME = "vague_work_at_home"
    MISSING_DESCRIPTION = "missing_description"
    MONEY_MULE = "money_mule"


# Hand-set until moderator labels exist (`fit_weights`): strong alone (>= MODERATION_THRESHOLD)
# only for what no genuine employer does (charging a fee, recruiting money mules); weak (< 0.2)
# for what genuine ads also do (say "urgent", omit the employer, write little).
DEFAULT_WEIGHTS: Mapping[FraudFlag, float] = MappingProxyType({
    FraudFlag.UPFRONT_FEE: 0.55,
    FraudFlag.OFF_PLATFORM_CONTACT: 0.40,
    FraudFlag.PAY_ABOVE_MARKET: 0.30,
    FraudFlag.MISSING_EMPLOYER: 0.15,
    FraudFlag.INVALID_EMPLOYER_ID: 0.30,
    FraudFlag.DUPLICATE_TEXT_MANY_EMPLOYERS: 0.35,
    FraudFlag.URGENCY_BAIT: 0.15,
    FraudFlag.PERSONAL_DATA_REQUEST: 0.45,
    FraudFlag.VAGUE_WORK_AT_HOME: 0.35,
    FraudFlag.MISSING_DESCRIPTION: 0.10,
    FraudFlag.MONEY_MULE: 0.60,
})  # fmt: skip


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


_PHONE = (
    r"(?:\+?82[- ]?|0)1[016789][- .]?\d{3,4}[- .]?\d{4}|(?:\+62|62|0)8\d{1,2}[- .]?\d{3,4}[- .]?\d{3,5}"
    r"|(?:\+44\s?7|07)\d{3}\s?\d{3}\s?\d{3}|(?:\+1[- ]?)?\(?\d{3}\)?[- .]\d{3}[- .]\d{4}"
)
_MESSAGE_CUE = r"\b(?:text|sms|message|msg|whats\s?app|wa|chat|pesan)\b|문자|카톡"  # a call to a mobile is not flagged
_FREE_MAIL = r"hotmail|outlook|live|aol|icloud|proton(?:mail)?|naver|daum|hanmail|nate|kakao"
# Text rules, one per flag and language; every alternative is a phrase ads use. English rules
# (brand names and links included) run on every ad, Korean ones when the text has Hangul,
# Indonesian ones when the ad is Indonesian or reads like it: on English ads this halves the
# regex work (measured 3.4 -> ~1.9 ms an NHS ad).
_RULES: dict[FraudFlag, dict[str, tuple[str, ...]]] = {
    FraudFlag.UPFRONT_FEE: {
        "en": (
            r"\b(?:registration|training|uniform|visa|processing|admin(?:istration|istrative)?|application|placement"
            r"|onboarding|starter[- ]kit|background[- ]check|enrol(?:l)?ment)\s+(?:fee|charge|deposit)s?\b",
            r"\b(?:refundable|upfront|up-front|advance)\s+(?:deposit|payment|fee)s?\b",
            r"\b(?:you|candidates?|applicants?|trainees?)\s+(?:must|need\s+to|have\s+to|are\s+required\s+to|should)"
            r"\s+(?:first\s+)?pay\b",
            r"\bpay\s+(?:a|an|the|your)?\s*(?:small\s+|one[- ]time\s+)?(?:fee|deposit)\b",
        ),
        "id": (
            r"\bbiaya\s+(?:pendaftaran|administrasi|admin|pelatihan|training|seragam|medical|medis|visa|paspor"
            r"|pemberangkatan|proses|penempatan|jaminan|diklat)\b|\buang\s+(?:jaminan|pendaftaran|administrasi|seragam)\b",
            r"\bdipungut\s+biaya\b|\b(?:transfer|bayar|membayar)\s+(?:biaya|uang)\b",
        ),
        "ko": (
            r"선입금|등록비|가입비|보증금|(?:교육비|수수료|재료비)\s*(?:납부|입금|선납|선결제|본인\s*부담|자부담)",
            r"(?:비용|금액)[을를]?\s*(?:먼저\s*)?(?:입금|송금|선납)|입금\s*후\s*(?:면접|교육|근무|채용)",
        ),
    },
    FraudFlag.OFF_PLATFORM_CONTACT: {
        "en": (
            r"\bwhats\s?app\b|\btelegram\b|\bkakao\s?talk\b|\bkakao\s*id\b|\bwe\s?chat\b|微信|\bviber\b",
            r"\bline\s*(?:id\b|@)|\b(?:via|on)\s+signal\b|\bsignal\s*(?:id|app)\b",
            r"\bwa\.me/|\bt\.me/|chat\.whatsapp\.com|open\.kakao\.com|line\.me/",
            rf"(?:{_MESSAGE_CUE})[^.!?\n]{{0,25}}?(?:{_PHONE})",
            rf"\b[\w.+-]+@(?:(?:g|google)mail|y(?:ahoo)?mail|yahoo|{_FREE_MAIL})\.[a-z]{{2,3}}(?:\.[a-z]{{2}})?\b",
        ),
        "ko": (
            r"카카오톡|카톡|오픈\s*채팅|위챗|라인\s*(?:id|아이디)",
            rf"(?:{_PHONE})\s*(?:으?로)?\s*(?:문자|카톡)",
        ),
    },
    FraudFlag.URGENCY_BAIT: {
        "en": (
            r"\burgent(?:ly)?\b|\bimmediate\s+start\b[^.!?\n]{0,30}\bno\s+experience\b",
            r"\bearn\s+(?:up\s+to\s+)?(?:[$£€]\s?\d[\d,.]*k?|big|fast|quick|easy)|\$\$\$",
            r"\blimited\s+(?:slots?|places?|spots?|positions?|vacancies)\b|\bonly\s+\d+\s+(?:slots?|places?|spots?)\s+left",
            r"\bact\s+(?:now|fast)\b|\b(?:easy|quick|fast)\s+(?:money|cash)\b|\bsame[- ]day\s+pay",
        ),
        "id": (
            r"\bsegera\b|\blangsung\s+kerja\b|\b(?:kuota|slot|tempat)\s+terbatas\b",
            r"\b(?:penghasilan|gaji)\s+(?:jutaan|puluhan\s+juta|besar)\b",
        ),
        "ko": (
            r"급구|당일\s*지급|즉시\s*(?:근무|출근|지급)",
            r"고수익|고액\s*(?:알바|아르바이트|일당|수당)|선착순|마감\s*임박|수익\s*보장",
        ),
    },
    FraudFlag.PERSONAL_DATA_REQUEST: {
        "en": (
            r"\bbank\s+(?:account\s+)?(?:details|number|login|password|pin)\b|\bonline\s+banking\b",
            r"\b(?:credit|debit)\s+card\s+(?:details|number)\b|\bsocial\s+security\s+number\b|\bSSN\b",
            r"\b(?:copy|scan|photo)\s+of\s+(?:your\s+)?(?:passport|id\s+card|identity\s+card|national\s+id)\b",
            r"\b(?:passport|id\s+card|identity\s+card)\s+(?:number|copy|scan|photo)\b|\bone[- ]time\s+password\b",
            r"\b(?:kode\s+)?OTP\b",
        ),
        "id": (
            r"\bnomor\s+(?:rekening|ktp|nik|kartu\s+kredit|pin)\b|\b(?:buku\s+tabungan|kartu\s+atm|pin\s+atm)\b",
        ),
        "ko": (
            r"주민\s*등록\s*번호|주민번호|(?:통장|계좌)\s*(?:번호|사본|비밀번호)|계좌번호|신분증\s*(?:사본|사진)",
            r"(?:공인|공동)\s*인증서|(?:카드|계좌)\s*비밀번호",
        ),
    },
    FraudFlag.MONEY_MULE: {
        "en": (
            r"\breceiv(?:e|ing)\s+(?:payments?|funds|money|transfers?)\s+(?:into|to|on|through|via)\s+"
            r"(?:your|a\s+personal)\b|\buse\s+your\s+(?:own\s+|personal\s+)?bank\s+account\b",
            r"\b(?:re-?shipping|package\s+forwarding)\b|\b(?:buy|purchase)\s+(?:\w+\s+)?gift\s+cards?\b",
            r"\b(?:deposit|cash)\s+(?:a\s+|the\s+)?(?:cheque|check)s?\b[^.!?\n]{0,40}\b(?:send|wire|transfer)\b",
        ),
        "id": (
            r"\b(?:sewa|jual|beli|pinjam|pinjamkan)\s+rekening\b|\brekening\s+penampung\b",
            r"\bmenerima\s+(?:transfer|dana|uang)\s+(?:ke|melalui)\s+rekening\s+(?:anda|pribadi)\b",
        ),
        "ko": (r"(?:통장|계좌|체크\s*카드)\s*(?:대여|임대|양도|매매|판매|빌려)|대포\s*통장|현금\s*(?:수거|전달|인출)",),
    },
}  # fmt: skip
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_INDONESIAN = re.compile(
    r"\b(?:yang|dengan|untuk|kami|anda|dan|atau|lowongan|dibutuhkan|kerja|tanpa|biaya|hubungi|gaji|pengalaman"
    r"|rekening|melalui|segera|bulan|tidak|perusahaan|pelamar|syarat)\b",
    re.IGNORECASE,
)


@functools.cache
def _rule(flag: FraudFlag, languages: frozenset[str]) -> re.Pattern[str]:
    """The rule of `flag` for the given languages, compiled once."""
    rules = _RULES[flag]
    return _rx(*(alt for language in ("en", "id", "ko") if language in languages for alt in rules.get(language, ())))


def _languages(posting: JobPosting) -> frozenset[str]:
    """English rules always; Korean when there is Hangul; Indonesian when declared or it reads like it."""
    text = f"{posting.title}\n{posting.description_text}"
    found = {"en"}
    if _HANGUL.search(text):
        found.add("ko")
    if posting.language.lower().startswith("id") or posting.address.country.upper() == "ID" or _INDONESIAN.search(text):
        found.add("id")
    return frozenset(found)


_WORK_AT_HOME = _rx(r"\bwork(?:ing)?\s+(?:from|at)\s+home\b|\bWFH\b|\bkerja\s+(?:dari|di)\s+rumah\b|재택|집에서")
_HIGH_PAY = _rx(
    r"\bearn\b|\bup\s+to\s+[$£€]|\$\$|\bhigh\s+(?:pay|income|earnings)\b|\bpenghasilan\b|\bgaji\s+besar\b|\bjutaan\b",
    r"고수익|고소득|고액|월\s*\d+\s*만")  # fmt: skip
_NO_EXPERIENCE = _rx(
    r"\bno\s+(?:prior\s+)?experience\b|\b(?:tanpa|tidak\s+perlu)\s+pengalaman\b", r"경력\s*무관|초보\s*가능|누구나"
)
_CLAUSE_END = re.compile(r"[.!?;\n。]")
# Negation before a phrase ("never ask for bank details", "no registration fee", "tidak dipungut
# biaya") or right after it ("등록비 없음", "training fee: waived", "biaya medical ditanggung").
_NEGATED_BEFORE = _rx(
    r"\b(?:never|not|without|zero|tidak|tanpa|bukan|jangan|tak)\b|n't\b|절대|어떠한",
    # The employer pays: "reimbursement for NMC registration fees", "we pay your visa fee" (NHS benefits lists).
    r"\b(?:reimburs\w*|refund\s+of|coverage\s+of|(?<!you\s)will\s+(?:pay|cover|fund|reimburse)|we\s+(?:pay|cover|fund)"
    r"|(?:pays|paying|covers|covering|funds|funding)\s+(?:for\s+)?(?:your|the|their|all)|(?:paid|covered|funded)(?:\s+for)?)"
    r"(?:\s+\S+){0,5}\s*$",
    r"\b(?:no|free)\s+(?:\S+\s+){0,2}$|무료\s*$")  # fmt: skip
_NEGATED_AFTER = _rx(
    r"^\W{0,3}(?:(?:is|are|will\s+be)\s+)?(?:free|waived|none|nil|not\s+(?:required|charged|needed)|covered"
    r"|paid\s+by\s+(?:us|the\s+company|the\s+employer|the\s+trust)|(?:paid|reimbursed|refunded|funded)\b(?!\s+by\s+you)"
    r"|deducted\s+from|we\s+(?:will\s+)?(?:pay|cover|reimburse|fund)"
    r"|gratis|tidak\s+(?:dipungut|ada|dikenakan)|ditanggung)",
    r"^\s*(?:[은는이가도]\s*)?(?:없|무료|면제|회사\s*부담|지원|안\s*받)")  # fmt: skip
# Asking for documents at or after interview or offer (either side, same clause) is ordinary right-to-work practice.
_LATER = _rx(
    r"\b(?:at|after|on|to)\s+(?:the\s+|your\s+)?(?:interview|offer|appointment|first\s+day)\b|\bright\s+to\s+work\b",
    r"\b(?:saat|setelah)\s+(?:interview|wawancara|diterima|lolos)\b",
    r"면접\s*(?:시|후|당일)|입사\s*(?:시|후)|합격\s*후")  # fmt: skip


@dataclass(frozen=True, slots=True)
class FraudSignal:
    """One fired flag: its weight and the text that fired it (`start`/`end` index `field`'s text)."""

    flag: FraudFlag
    weight: float
    evidence: str
    start: int | None
    end: int | None
    field: str


@dataclass(frozen=True, slots=True)
class FraudAssessment:
    """An ad's fraud risk in [0, 1], the signals behind it and the rules/weights that produced it."""

    score: float
    flags: tuple[FraudSignal, ...]
    method: str = FRAUD_METHOD
    version: str = DEFAULT_WEIGHTS_VERSION

    @property
    def needs_moderation(self) -> bool:
        """The score reaches `MODERATION_THRESHOLD`."""
        return self.score >= MODERATION_THRESHOLD

    def flag_names(self) -> tuple[str, ...]:
        """The names of the fired flags, in flag order."""
        return tuple(str(signal.flag) for signal in self.flags)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready copy (the score rounded to 4 decimals)."""
        keys = ("weight", "evidence", "start", "end", "field")
        signals = [{"flag": str(s.flag)} | {key: getattr(s, key) for key in keys} for s in self.flags]
        head = {"score": round(self.score, 4), "needs_moderation": self.needs_moderation}
        return head | {"flags": signals, "method": self.method, "version": self.version}


@dataclass(frozen=True, slots=True)
class FraudContext:
    """What the ad's text does not say: the occupation's p90 annual wage (in `wage_currency`; None
    assumes the ad's currency), how many distinct employers post the same normalised text, the
    pay factor and the weights to use (None = `DEFAULT_WEIGHTS`)."""

    wage_p90_annual: float | None = None
    wage_currency: str | None = None
    employers_with_same_text: int = 1
    pay_factor: float = PAY_ABOVE_MARKET_FACTOR
    weights: Mapping[FraudFlag, float] | None = None
    weights_version: str = DEFAULT_WEIGHTS_VERSION

    def __post_init__(self) -> None:
        if self.pay_factor <= 0:
            raise Invalid(f"pay factor must be positive, not {self.pay_factor}", field="pay_factor")
        if self.employers_with_same_text < 0:
            raise Invalid("employers_with_same_text cannot be negative", field="employers_with_same_text")
        for flag, weight in (self.weights or {}).items():
            if not 0.0 <= weight <= 1.0:
                raise Invalid(f"weight of {flag} must be in [0, 1], not {weight}", field="weights")

    def weight(self, flag: FraudFlag) -> float:
        """The weight of `flag`: the given one, else the default."""
        return (self.weights or {}).get(flag, DEFAULT_WEIGHTS[flag])


def assess(posting: JobPosting, salary: NormalisedSalary | None, context: FraudContext) -> FraudAssessment:
    """The fraud risk of `posting` (noisy-OR of the weights of its fired flags), deterministic."""
    fired = {s.flag: s for s in (*_text_signals(posting, context), *_other_signals(posting, salary, context))}
    vague = _vague_signal(posting, context, FraudFlag.PAY_ABOVE_MARKET in fired)
    if vague is not None:
        fired[vague.flag] = vague
    signals = tuple(fired[flag] for flag in FraudFlag if flag in fired)
    return FraudAssessment(noisy_or(s.weight for s in signals), signals, FRAUD_METHOD, context.weights_version)


def noisy_or(weights: Iterable[float]) -> float:
    """1 - prod(1 - w): the chance at least one independent cause is real; never decreases as causes are added."""
    return 1.0 - math.prod(1.0 - weight for weight in weights)


def _text_fields(posting: JobPosting) -> tuple[tuple[str, str], ...]:
    stated = posting.salary.text if posting.salary is not None else ""
    return (("title", posting.title), ("description_text", posting.description_text), ("salary.text", stated))


def _text_signals(posting: JobPosting, context: FraudContext) -> list[FraudSignal]:
    found = []
    languages = _languages(posting)
    for flag in _RULES:
        pattern = _rule(flag, languages)
        for field_name, text in _text_fields(posting):
            match = _first_hit(pattern, text, later_is_fine=flag is FraudFlag.PERSONAL_DATA_REQUEST)
            if match is not None:
                found.append(FraudSignal(flag, context.weight(flag), match.group(), *match.span(), field_name))
                break
    return found


def _first_hit(pattern: re.Pattern[str], text: str, *, later_is_fine: bool = False) -> re.Match[str] | None:
    """The first match that is not negated (nor, when `later_is_fine`, deferred to interview or offer)."""
    for match in pattern.finditer(text):
        before = _CLAUSE_END.split(text[max(0, match.start() - 60) : match.start()])[-1]
        after = _CLAUSE_END.split(text[match.end() : match.end() + 60])[0]
        if _NEGATED_BEFORE.search(before) or _NEGATED_AFTER.search(after):
            continue
        if later_is_fine and _LATER.search(f"{before} {after}"):
            continue
        return match
    return None


def _other_signals(posting: JobPosting, salary: NormalisedSalary | None, context: FraudContext) -> list[FraudSignal]:
    found = []
    employer = posting.employer
    if employer is None or not employer.name.strip():
        flag = FraudFlag.MISSING_EMPLOYER
        found.append(FraudSignal(flag, context.weight(flag), "no employer named", None, None, "employer"))
    elif employer.registration_id.strip():
        country = posting.address.country or {"ko": "KR", "id": "ID"}.get(posting.language.lower()[:2], "")
        if validate_employer_id(employer.registration_id, country) is False:
            flag = FraudFlag.INVALID_EMPLOYER_ID
            evidence = f"{employer.registration_id} is not a valid {country} registration number"
            found.append(FraudSignal(flag, context.weight(flag), evidence, None, None, "employer.registration_id"))
    if context.employers_with_same_text >= DUPLICATE_EMPLOYERS_MIN:
        flag = FraudFlag.DUPLICATE_TEXT_MANY_EMPLOYERS
        evidence = f"{context.employers_with_same_text} employers post this text"
        found.append(FraudSignal(flag, context.weight(flag), evidence, None, None, "description_text"))
    if len("".join(posting.description_text.split())) < MIN_DESCRIPTION_CHARS:
        flag = FraudFlag.MISSING_DESCRIPTION
        evidence = posting.description_text.strip() or "no description"
        found.append(FraudSignal(flag, context.weight(flag), evidence, None, None, "description_text"))
    pay = _pay_signal(salary, context)
    return [*found, pay] if pay is not None else found


def _pay_signal(salary: NormalisedSalary | None, context: FraudContext) -> FraudSignal | None:
    """Annual pay above `pay_factor` x p90. The lower end of a range is used (what the ad promises at
    least), so an honest wide range is not flagged; a currency other than the reference's is skipped."""
    p90 = context.wage_p90_annual
    if salary is None or salary.currency is None or p90 is None or p90 <= 0:
        return None
    if context.wage_currency is not None and context.wage_currency.upper() != salary.currency.upper():
        return None
    pay = salary.annual_min if salary.annual_min is not None else salary.annual_max
    if pay is None or pay <= context.pay_factor * p90:
        return None
    evidence = f"{pay:,.0f} {salary.currency} a year > {context.pay_factor:g} x p90 {p90:,.0f}"
    flag = FraudFlag.PAY_ABOVE_MARKET
    return FraudSignal(flag, context.weight(flag), evidence, None, None, "salary")


def _vague_signal(posting: JobPosting, context: FraudContext, pay_above_market: bool) -> FraudSignal | None:
    """Work from home + high pay (said, or above market) + no experience; evidence: the work-from-home words."""
    fields = _text_fields(posting)
    text = " ".join(value for _, value in fields)
    if not _NO_EXPERIENCE.search(text) or not (pay_above_market or _HIGH_PAY.search(text)):
        return None
    flag = FraudFlag.VAGUE_WORK_AT_HOME
    for field_name, value in fields:
        match = _WORK_AT_HOME.search(value)
        if match is not None:
            return FraudSignal(flag, context.weight(flag), match.group(), *match.span(), field_name)
    return None


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


def fit_weights(
    examples: Sequence[tuple[frozenset[FraudFlag], bool]],
    prior: Mapping[FraudFlag, float],
    *,
    strength: float = PRIOR_STRENGTH,
) -> dict[FraudFlag, float]:
    """Each flag's weight re-estimated from moderator decisions (fired flags, confirmed fraud) as a smoothed precision.

    The Beta-posterior mean with the prior weight w worth `strength` observations: (confirmed + strength x w) /
    (fired + strength); it keeps w when the flag never fired and tends to P(fraud | flag fired) with many labels.
    Flags missing from `prior` start from `DEFAULT_WEIGHTS`. Precision over-states a flag that mostly fires
    with stronger ones; accepted while labels are few.
    """
    if strength <= 0:
        raise Invalid(f"prior strength must be positive, not {strength}", field="strength")
    fitted = {}
    for flag in FraudFlag:
        weight = prior.get(flag, DEFAULT_WEIGHTS[flag])
        if not 0.0 <= weight <= 1.0:
            raise Invalid(f"prior weight of {flag} must be in [0, 1], not {weight}", field="prior")
        fired = [is_fraud for flags, is_fraud in examples if flag in flags]
        fitted[flag] = (sum(fired) + strength * weight) / (len(fired) + strength)
    return fitted
