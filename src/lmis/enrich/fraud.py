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

from lmis.enrich import fraud_rules as rules
from lmis.enrich.registration_numbers import validate_employer_id
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


@functools.cache
def _rule(flag: FraudFlag, languages: frozenset[str]) -> re.Pattern[str]:
    """The rule of `flag` for the given languages, compiled once."""
    phrases = rules.RULES[flag.value]
    return rules.compile_rule(
        *(alt for language in ("en", "id", "ko") if language in languages for alt in phrases.get(language, ()))
    )


def _languages(posting: JobPosting) -> frozenset[str]:
    """English rules always; Korean when there is Hangul; Indonesian when declared or it reads like it."""
    text = f"{posting.title}\n{posting.description_text}"
    found = {"en"}
    if rules.HANGUL.search(text):
        found.add("ko")
    if (
        posting.language.lower().startswith("id")
        or posting.address.country.upper() == "ID"
        or rules.INDONESIAN.search(text)
    ):
        found.add("id")
    return frozenset(found)


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
    for flag in map(FraudFlag, rules.RULES):
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
        before = rules.CLAUSE_END.split(text[max(0, match.start() - 60) : match.start()])[-1]
        after = rules.CLAUSE_END.split(text[match.end() : match.end() + 60])[0]
        if rules.NEGATED_BEFORE.search(before) or rules.NEGATED_AFTER.search(after):
            continue
        if later_is_fine and rules.LATER.search(f"{before} {after}"):
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
    if not rules.NO_EXPERIENCE.search(text) or not (pay_above_market or rules.HIGH_PAY.search(text)):
        return None
    flag = FraudFlag.VAGUE_WORK_AT_HOME
    for field_name, value in fields:
        match = rules.WORK_AT_HOME.search(value)
        if match is not None:
            return FraudSignal(flag, context.weight(flag), match.group(), *match.span(), field_name)
    return None


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
