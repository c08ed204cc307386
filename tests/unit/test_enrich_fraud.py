"""Fraud risk rules of job ads: flags in English, Korean and Indonesian, offsets, scores and calibration (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lmis.enrich.fraud import (
    DEFAULT_WEIGHTS,
    FRAUD_METHOD,
    MODERATION_THRESHOLD,
    FraudContext,
    FraudFlag,
    assess,
    fit_weights,
    noisy_or,
)
from lmis.enrich.registration_numbers import validate_employer_id
from lmis.enrich.salary import NormalisedSalary, normalise_salary
from lmis.jobs.model import Address, Employer, JobPosting, PostingStatus, Provenance, Salary, SalaryUnit
from lmis.shared.errors import Invalid

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
NO_CONTEXT = FraudContext()
ACME = Employer(name="Acme Logistics Ltd", normalised_name="acme logistics")
# A neutral body long enough not to count as a missing description.
FILLER = " The role involves working with a friendly team in our warehouse and office."

NHS_NURSE = (
    "Royal Demo Hospital NHS Foundation Trust is looking for a registered nurse to join our 28-bed Acute "
    "Medical Unit. You will assess, plan and deliver care for acutely unwell adults, working 37.5 hours a week "
    "on a rota of days, nights and weekends. We offer preceptorship for newly qualified nurses, a funded "
    "training budget and membership of the NHS Pension Scheme. We pay for your training and revalidation. "
    "You must hold current NMC registration. Appointment is subject to an enhanced DBS check. Please bring a "
    "copy of your passport to the interview for right to work checks. For an informal discussion contact the "
    "ward manager, Jane Smith, on 020 7946 0000 or jane.smith@demo.nhs.uk. Apply through our website or NHS Jobs."
)
KOREAN_OFFICE = (
    "데모물산㈜에서 경영지원팀 사무직 사원을 모집합니다.\n"
    "담당업무: 회계 전표 처리, 거래처 관리, 문서 작성 및 사무 보조\n"
    "자격요건: 고졸 이상, 엑셀 및 한글 사용 가능자, 경력 무관\n"
    "근무조건: 주 5일(월~금) 09:00~18:00, 정규직(수습 3개월), 근무지 서울 중구\n"
    "급여: 연봉 3,000만원 이상(회사 내규에 따름)\n"
    "복리후생: 4대보험 가입, 퇴직금, 연차휴가, 중식 제공, 교육비 지원, 명절 선물\n"
    "전형절차: 서류전형 → 면접 → 최종합격. 최종 합격 후 통장 사본과 주민등록등본을 제출해 주세요.\n"
    "채용 과정에서 어떠한 비용도 받지 않습니다. 문의: recruit@demo-mulsan.co.kr, 02-1234-5678"
)
INDONESIAN_ADMIN = (
    "PT Maju Jaya Sentosa, distributor alat tulis kantor di Bandung, membuka lowongan Staf Administrasi. "
    "Tugas: input data penjualan, membuat faktur dan surat jalan, mengarsipkan dokumen. Kualifikasi: "
    "pendidikan minimal SMA/SMK, menguasai Microsoft Excel, teliti dan jujur. Fasilitas: gaji pokok "
    "Rp 4.500.000 per bulan, BPJS Kesehatan dan BPJS Ketenagakerjaan, THR, uang makan. Lampirkan CV, "
    "fotokopi KTP dan ijazah terakhir melalui portal ini atau ke hrd@majujayasentosa.co.id. "
    "Proses rekrutmen tidak dipungut biaya apapun."
)


def ad(
    description: str,
    *,
    title: str = "Warehouse Operative",
    employer: Employer | None = ACME,
    country: str = "GB",
    language: str = "en",
    salary: Salary | None = None,
) -> JobPosting:
    """A published posting with the given text; everything else ordinary."""
    return JobPosting(
        id="p-1",
        source="demo",
        external_id="A-1",
        title=title,
        description_html=f"<p>{description}</p>",
        description_text=description,
        employer=employer,
        address=Address(locality="Leeds", country=country),
        latitude=None,
        longitude=None,
        employment_types=(),
        working_hours="",
        salary=salary,
        education="",
        experience_months=None,
        openings=1,
        valid_through=None,
        date_posted=NOW,
        updated_at=NOW,
        status=PostingStatus.PUBLISHED,
        language=language,
        url="https://jobs.example.org/A-1",
        provenance=Provenance(source="demo", retrieved_at=NOW),
        content_hash="h",
    )


def pay(currency: str, minimum: float, maximum: float, unit: SalaryUnit = SalaryUnit.YEAR) -> NormalisedSalary:
    normalised = normalise_salary(Salary(currency=currency, minimum=minimum, maximum=maximum, unit=unit))
    assert normalised is not None
    return normalised


# Clean ads


CLEAN_ADS = [
    pytest.param(
        ad(NHS_NURSE, title="Staff Nurse - Acute Medical Unit (Band 5)",
           employer=Employer("Royal Demo Hospital NHS Foundation Trust", "royal demo hospital nhs foundation trust")),
        pay("GBP", 29_970, 36_483), FraudContext(wage_p90_annual=48_000, wage_currency="GBP"), id="nhs-nurse-en",
    ),
    pytest.param(
        ad(KOREAN_OFFICE, title="[데모물산] 경영지원팀 사무직 신입/경력 채용", country="KR", language="ko",
           employer=Employer("데모물산 주식회사", "데모물산", registration_id="116-82-00276")),
        pay("KRW", 30_000_000, 34_000_000), FraudContext(wage_p90_annual=52_000_000, wage_currency="KRW"),
        id="office-clerk-ko",
    ),
    pytest.param(
        ad(INDONESIAN_ADMIN, title="Staf Administrasi Kantor", country="ID", language="id",
           employer=Employer("PT Maju Jaya Sentosa", "maju jaya sentosa", registration_id="01.312.166.0-091.000")),
        pay("IDR", 4_500_000, 4_500_000, SalaryUnit.MONTH),
        FraudContext(wage_p90_annual=120_000_000, wage_currency="IDR"), id="admin-staff-id",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("posting", "salary", "context"), CLEAN_ADS)
def test_a_realistic_clean_ad_fires_no_flag_and_scores_below_0_2(
    posting: JobPosting, salary: NormalisedSalary, context: FraudContext
) -> None:
    assessment = assess(posting, salary, context)
    assert assessment.flag_names() == ()
    assert assessment.score < 0.2
    assert not assessment.needs_moderation


# Text flags in each language, with offsets pointing at the evidence

TEXT_CASES = [
    (FraudFlag.UPFRONT_FEE, "Successful applicants pay a one-time registration fee of $50.", "registration fee"),
    (FraudFlag.UPFRONT_FEE, "Before you start, you must pay for the uniform.", "you must pay"),
    (FraudFlag.UPFRONT_FEE, "Pelamar dikenakan biaya pendaftaran Rp 250.000.", "biaya pendaftaran"),
    (FraudFlag.UPFRONT_FEE, "Biaya administrasi ditransfer sebelum interview.", "Biaya administrasi"),
    (FraudFlag.UPFRONT_FEE, "합격자는 등록비 5만원을 선입금해야 합니다.", "등록비"),
    (FraudFlag.UPFRONT_FEE, "교육 전 교육비 납부 필수입니다.", "교육비 납부"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Send your CV on WhatsApp to apply.", "WhatsApp"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Chat with HR at https://wa.me/447700900123 now.", "wa.me/"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Text 07700 900123 for details.", "Text 07700 900123"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Email your CV to hr.acme.jobs@gmail.com today.", "hr.acme.jobs@gmail.com"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Join our Telegram group for the interview.", "Telegram"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "지원은 카톡 ID demo123 으로 연락 주세요.", "카톡"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "오픈채팅 링크로 문의하세요.", "오픈채팅"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "010-1234-5678로 문자 주세요.", "010-1234-5678로 문자"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "이력서는 demo_job@naver.com 으로 보내주세요.", "demo_job@naver.com"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Hubungi WA 0812-3456-7890 untuk interview.", "WA 0812-3456-7890"),
    (FraudFlag.OFF_PLATFORM_CONTACT, "Kirim lamaran ke lowongan.kerja@yahoo.co.id sekarang.",
     "lowongan.kerja@yahoo.co.id"),
    (FraudFlag.URGENCY_BAIT, "URGENT! Limited slots available this week.", "URGENT"),
    (FraudFlag.URGENCY_BAIT, "Immediate start, no experience needed.", "Immediate start, no experience"),
    (FraudFlag.URGENCY_BAIT, "Only 3 places left - act now.", "Only 3 places left"),
    (FraudFlag.URGENCY_BAIT, "Dibutuhkan segera, langsung kerja tanpa tes.", "segera"),
    (FraudFlag.URGENCY_BAIT, "Kuota terbatas untuk bulan ini.", "Kuota terbatas"),
    (FraudFlag.URGENCY_BAIT, "급구! 오늘 바로 근무 가능하신 분.", "급구"),
    (FraudFlag.URGENCY_BAIT, "일당 15만원 당일 지급 보장.", "당일 지급"),
    (FraudFlag.PERSONAL_DATA_REQUEST, "Reply with your bank account details to register.", "bank account details"),
    (FraudFlag.PERSONAL_DATA_REQUEST, "Send a scan of your passport with your CV.", "scan of your passport"),
    (FraudFlag.PERSONAL_DATA_REQUEST, "Kirim nomor KTP dan nomor rekening Anda.", "nomor KTP"),
    (FraudFlag.PERSONAL_DATA_REQUEST, "Sertakan foto buku tabungan untuk pendaftaran.", "buku tabungan"),
    (FraudFlag.PERSONAL_DATA_REQUEST, "지원서에 주민등록번호 13자리를 기재하세요.", "주민등록번호"),
    (FraudFlag.PERSONAL_DATA_REQUEST, "서류 접수 시 통장 사본과 신분증 사본을 보내주세요.", "통장 사본"),
    (FraudFlag.MONEY_MULE, "You will receive payments into your account and forward them.",
     "receive payments into your"),
    (FraudFlag.MONEY_MULE, "Home-based reshipping coordinator wanted.", "reshipping"),
    (FraudFlag.MONEY_MULE, "Dicari mitra untuk sewa rekening, fee harian.", "sewa rekening"),
    (FraudFlag.MONEY_MULE, "고객 현금 수거 알바, 건당 20만원.", "현금 수거"),
    (FraudFlag.MONEY_MULE, "통장 대여만 하시면 월 100만원 지급.", "통장 대여"),
]  # fmt: skip


@pytest.mark.parametrize(("flag", "text", "evidence"), TEXT_CASES)
def test_a_text_flag_fires_with_offsets_pointing_at_its_evidence(flag: FraudFlag, text: str, evidence: str) -> None:
    description = text + FILLER
    signal = next(s for s in assess(ad(description), None, NO_CONTEXT).flags if s.flag is flag)
    assert signal.field == "description_text"
    assert signal.evidence == evidence
    assert signal.start is not None
    assert description[signal.start : signal.end] == evidence
    assert signal.weight == DEFAULT_WEIGHTS[flag]


def test_a_flag_in_the_title_points_into_the_title() -> None:
    signal = assess(ad("Packing parcels." + FILLER, title="급구 포장 알바"), None, NO_CONTEXT).flags[0]
    assert (signal.flag, signal.field, signal.start, signal.end) == (FraudFlag.URGENCY_BAIT, "title", 0, 2)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Work from home, no experience needed, earn $500 a day!", "Work from home"),
        ("재택 부업, 경력 무관, 고수익 보장.", "재택"),
        ("Kerja dari rumah, tanpa pengalaman, penghasilan jutaan per minggu.", "Kerja dari rumah"),
    ],
)
def test_work_from_home_with_high_pay_and_no_experience_is_vague_work_at_home(text: str, evidence: str) -> None:
    signal = next(
        s for s in assess(ad(text + FILLER), None, NO_CONTEXT).flags if s.flag is FraudFlag.VAGUE_WORK_AT_HOME
    )
    assert (signal.evidence, signal.start) == (evidence, 0)


def test_work_from_home_alone_is_not_vague_work_at_home() -> None:
    posting = ad("Hybrid role: work from home two days a week, three years of payroll experience required." + FILLER)
    assert assess(posting, None, NO_CONTEXT).flag_names() == ()


def test_pay_above_market_counts_as_high_pay_for_work_at_home() -> None:
    posting = ad("Work from home. No experience required." + FILLER)
    context = FraudContext(wage_p90_annual=30_000, wage_currency="GBP")
    names = assess(posting, pay("GBP", 90_000, 120_000), context).flag_names()
    assert {"pay_above_market", "vague_work_at_home"} <= set(names)


# False positives: negation and ordinary practice


@pytest.mark.parametrize(
    "text",
    [
        "Apply through our website.",
        "We pay for your training.",
        "There is no fee to apply.",
        "There is no registration fee.",
        "We will never ask for payment.",
        "We never ask candidates to pay a deposit.",
        "Free training and uniform provided.",
        "Training fee: waived for all new starters.",
        "Visa fees are covered by the employer.",
        "Benefits: NMC Registration fees paid, enhanced sick pay.",
        "Reimbursement for NMC registration fees.",
        "We will pay your visa fees.",
        "£3,000 joining fee for experienced carers.",  # UK care adverts: a joining bonus
        "If newly qualified, we will pay your first year's NMC registration fee.",
        "NMC Registration fee - We will pay your admission fee.",
        "Leavers within six months have a £10 administration fee deducted from their final salary.",
        "Health Education England will pay your course fees and clinical placement fee.",
        "Cost coverage of NMC Registration fees.",
        "Proses rekrutmen tidak dipungut biaya.",
        "Tidak ada biaya pendaftaran.",
        "Biaya pelatihan ditanggung perusahaan.",
        "등록비 없음.",
        "교육 비용 없음.",
        "교육비 회사 부담.",
        "보증금은 없습니다.",
    ],
)
def test_a_negated_or_employer_paid_fee_does_not_fire_upfront_fee(text: str) -> None:
    assert "upfront_fee" not in assess(ad(text + FILLER), None, NO_CONTEXT).flag_names()


@pytest.mark.parametrize(
    "text",
    [
        "The registration fee must be paid by you before training.",
        "A registration fee of $50 is payable first.",
        "Pay the registration fee of $50 to start.",
        "You will pay the registration fee before the interview.",
    ],
)
def test_a_fee_the_candidate_pays_still_fires_upfront_fee(text: str) -> None:
    assert "upfront_fee" in assess(ad(text + FILLER), None, NO_CONTEXT).flag_names()


@pytest.mark.parametrize(
    "text",
    [
        "As a buyer you will purchase stock and pay supplier invoices on time.",
        "Reports to the line manager; production line experience is an advantage.",
        "Signal processing engineer for 5G radio; remote working two days a week.",
        "Immediate start available for forklift drivers with a valid licence.",
        "Location: Seattle, WA 98101. Call the office on 206-555-0100.",
        "You will handle customer payments and daily bank reconciliation.",
        "Gaji Rp 5 juta. Hubungi kami di 0812 3456 7890 (telepon kantor).",
        "연락처: 010-1234-5678 (담당자 김철수), 재택근무 가능, 경력 3년 이상.",
    ],
)
def test_ordinary_duties_and_contact_details_fire_no_flag(text: str) -> None:
    assert assess(ad(text + FILLER), None, NO_CONTEXT).flag_names() == ()


@pytest.mark.parametrize(
    "text",
    [
        "We will never contact you on WhatsApp or Telegram.",
        "Jangan percaya tawaran via WhatsApp yang mengatasnamakan kami.",
        "We will never ask for your bank details.",
    ],
)
def test_a_warning_against_a_scam_does_not_fire_the_flag_it_warns_about(text: str) -> None:
    assert assess(ad(text + FILLER), None, NO_CONTEXT).flag_names() == ()


@pytest.mark.parametrize(
    "text",
    [
        "Bring a copy of your passport to the interview.",
        "Passport copy required at interview for right to work checks.",
        "최종 합격 후 통장 사본을 제출해 주세요.",
        "Scan paspor, nomor rekening diserahkan setelah diterima.",
    ],
)
def test_documents_asked_for_at_or_after_interview_are_not_a_personal_data_request(text: str) -> None:
    assert "personal_data_request" not in assess(ad(text + FILLER), None, NO_CONTEXT).flag_names()


# Flags from fields and context


def test_an_ad_without_employer_or_with_an_empty_name_has_missing_employer() -> None:
    for employer in (None, Employer(name="  ", normalised_name="")):
        signal = assess(ad(FILLER * 2, employer=employer), None, NO_CONTEXT).flags[0]
        assert (signal.flag, signal.field, signal.start) == (FraudFlag.MISSING_EMPLOYER, "employer", None)


@pytest.mark.parametrize(
    ("registration_id", "country", "language", "fires"),
    [
        ("123-45-67890", "KR", "ko", True),
        ("123-45-67891", "KR", "ko", False),
        ("123-45-67890", "", "ko", True),  # Korean-language ad without a country: read as KR
        ("12345", "GB", "en", True),
        ("SC123456", "United Kingdom", "en", False),
        ("07-1234567", "US", "en", True),
        ("12-3456789", "US", "en", False),
        ("01.312.166.1-091.000", "ID", "id", True),
        ("01.312.166.0-091.000", "Indonesia", "id", False),
        ("ABC", "FR", "en", False),  # unknown format: not flagged
        ("ABC", "", "en", False),
    ],
)
def test_a_malformed_registration_number_fires_invalid_employer_id(
    registration_id: str, country: str, language: str, fires: bool
) -> None:
    employer = Employer("Acme", "acme", registration_id=registration_id)
    posting = ad(FILLER * 2, employer=employer, country=country, language=language)
    names = assess(posting, None, NO_CONTEXT).flag_names()
    assert ("invalid_employer_id" in names) is fires


@pytest.mark.parametrize(("employers", "fires"), [(1, False), (2, False), (3, True), (12, True)])
def test_the_same_text_from_three_or_more_employers_fires_duplicate_text(employers: int, fires: bool) -> None:
    names = assess(ad(FILLER * 2), None, FraudContext(employers_with_same_text=employers)).flag_names()
    assert ("duplicate_text_many_employers" in names) is fires


@pytest.mark.parametrize(("description", "fires"), [("", True), ("Good job. Call us.", True), (FILLER, False)])
def test_a_very_short_description_fires_missing_description(description: str, fires: bool) -> None:
    names = assess(ad(description), None, NO_CONTEXT).flag_names()
    assert ("missing_description" in names) is fires


@pytest.mark.parametrize(
    ("salary", "context", "fires"),
    [
        (pay("KRW", 200_000_000, 250_000_000), FraudContext(wage_p90_annual=50_000_000, wage_currency="KRW"), True),
        (pay("KRW", 60_000_000, 70_000_000), FraudContext(wage_p90_annual=50_000_000, wage_currency="KRW"), False),
        (pay("GBP", 30_000, 200_000), FraudContext(wage_p90_annual=40_000, wage_currency="GBP"), False),
        (pay("GBP", 70_000, 80_000), FraudContext(wage_p90_annual=40_000, wage_currency="GBP"), True),
        (pay("GBP", 70_000, 80_000), FraudContext(wage_p90_annual=40_000, wage_currency="GBP", pay_factor=2), False),
        (pay("GBP", 70_000, 80_000), FraudContext(wage_p90_annual=40_000, wage_currency="USD"), False),
        (pay("GBP", 70_000, 80_000), FraudContext(wage_p90_annual=40_000), True),
        (pay("IDR", 50_000_000, 50_000_000, SalaryUnit.MONTH), FraudContext(wage_p90_annual=150_000_000), True),
        (pay("GBP", 70_000, 80_000), NO_CONTEXT, False),
        (None, FraudContext(wage_p90_annual=40_000), False),
    ],
)  # fmt: skip
def test_annual_pay_far_above_the_occupation_p90_fires_pay_above_market(
    salary: NormalisedSalary | None, context: FraudContext, fires: bool
) -> None:
    names = assess(ad(FILLER * 2), salary, context).flag_names()
    assert ("pay_above_market" in names) is fires


def test_pay_above_market_says_the_pay_and_the_reference() -> None:
    context = FraudContext(wage_p90_annual=50_000_000, wage_currency="KRW")
    signal = assess(ad(FILLER * 2), pay("KRW", 200_000_000, 250_000_000), context).flags[0]
    assert signal.evidence == "200,000,000 KRW a year > 1.5 x p90 50,000,000"
    assert (signal.field, signal.start, signal.end) == ("salary", None, None)


# Scores


def test_an_upfront_fee_with_messenger_contact_scores_above_0_7() -> None:
    text = "Pay the registration fee, then message us on Telegram." + FILLER
    assessment = assess(ad(text), None, NO_CONTEXT)
    assert assessment.flag_names() == ("upfront_fee", "off_platform_contact")
    assert assessment.score > 0.7
    assert assessment.needs_moderation


@pytest.mark.parametrize(
    "text",
    [
        "Biaya pendaftaran Rp 100.000, hubungi via WhatsApp.",
        "등록비 선입금 후 카톡으로 연락 주세요.",
    ],
)
def test_fee_and_messenger_score_above_0_7_in_korean_and_indonesian(text: str) -> None:
    assert assess(ad(text + FILLER), None, NO_CONTEXT).score > 0.7


def test_an_ad_firing_every_flag_scores_within_0_and_1_and_each_flag_once() -> None:
    text = (
        "URGENT! Work from home, no experience, earn $900 a day. Pay the registration fee and send your bank "
        "account details and ID card number on WhatsApp. You will receive payments into your account."
    )
    employer = Employer("Acme", "acme", registration_id="96-1234567")
    context = FraudContext(wage_p90_annual=40_000, wage_currency="USD", employers_with_same_text=5)
    assessment = assess(ad(text, employer=employer, country="US"), pay("USD", 200_000, 300_000), context)
    assert set(assessment.flag_names()) == set(FraudFlag) - {FraudFlag.MISSING_EMPLOYER, FraudFlag.MISSING_DESCRIPTION}
    assert len(assessment.flags) == len(set(assessment.flag_names()))
    assert 0.95 < assessment.score <= 1.0


def test_noisy_or_stays_in_bounds_and_never_falls_as_signals_are_added() -> None:
    weights = list(DEFAULT_WEIGHTS.values())
    scores = [noisy_or(weights[:n]) for n in range(len(weights) + 1)]
    assert scores[0] == 0.0
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores)
    assert noisy_or([0.5, 0.5]) == pytest.approx(0.75)
    assert noisy_or([1.0, 0.2]) == 1.0


def test_a_weak_flag_alone_stays_below_moderation_and_a_fee_alone_reaches_it() -> None:
    assert DEFAULT_WEIGHTS[FraudFlag.URGENCY_BAIT] < 0.2
    assert DEFAULT_WEIGHTS[FraudFlag.MISSING_EMPLOYER] < 0.2
    assert assess(ad("Registration fee applies." + FILLER), None, NO_CONTEXT).score >= MODERATION_THRESHOLD


def test_an_assessment_is_deterministic_and_json_ready() -> None:
    posting = ad("급구! 카톡 ID로 연락 주세요." + FILLER, language="ko")
    first, second = assess(posting, None, NO_CONTEXT), assess(posting, None, NO_CONTEXT)
    assert first == second
    data = json.loads(json.dumps(first.as_dict(), ensure_ascii=False))
    assert data["method"] == FRAUD_METHOD
    assert data["score"] == round(first.score, 4)
    assert [f["flag"] for f in data["flags"]] == ["off_platform_contact", "urgency_bait"]
    assert data["flags"][1] == {
        "flag": "urgency_bait", "weight": 0.15, "evidence": "급구", "start": 0, "end": 2, "field": "description_text",
    }  # fmt: skip


def test_weights_given_in_the_context_replace_the_defaults_and_name_their_version() -> None:
    context = FraudContext(weights={FraudFlag.URGENCY_BAIT: 0.6}, weights_version="fitted-2027-01")
    assessment = assess(ad("Urgent vacancy." + FILLER), None, context)
    assert assessment.score == pytest.approx(0.6)
    assert assessment.version == "fitted-2027-01"


@pytest.mark.parametrize(
    "changes",
    [{"weights": {FraudFlag.UPFRONT_FEE: 1.5}}, {"pay_factor": 0.0}, {"employers_with_same_text": -1}],
)
def test_a_context_with_impossible_values_is_invalid(changes: dict[str, object]) -> None:
    with pytest.raises(Invalid):
        FraudContext(**changes)  # type: ignore[arg-type]


# Employer registration numbers


def test_the_korean_business_number_check_digit_is_verified() -> None:
    # 1234567891: 1*1 + 2*3 + 3*7 + 4*1 + 5*3 + 6*7 + 7*1 + 8*3 + 9*5 = 165; + floor(9*5/10) = 169;
    # check = (10 - 169 % 10) % 10 = 1.
    assert validate_employer_id("123-45-67891", "KR") is True
    assert validate_employer_id("1234567891", "Korea") is True
    assert validate_employer_id("116-82-00276", "대한민국") is True
    assert validate_employer_id("123-45-67890", "KR") is False
    assert validate_employer_id("123-45-6789", "KR") is False


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("01234567", "GB", True),
        ("SC123456", "UK", True),
        ("oc 123456", "GB", True),
        ("1234567", "GB", False),
        ("ABC12345", "GB", False),
        ("12-3456789", "US", True),
        ("123456789", "USA", True),
        ("12-345678", "US", False),
        ("00-1234567", "US", False),
        ("013121660091000", "ID", True),
        ("0013121660091000", "ID", True),
        ("3201234567890001", "ID", True),
        ("013121661091000", "ID", False),
        ("01312166009100", "ID", False),
        ("123", "FR", None),
        ("123", "", None),
    ],
)
def test_registration_numbers_are_checked_by_country_format(value: str, country: str, expected: bool | None) -> None:
    assert validate_employer_id(value, country) is expected


# Calibration from moderator decisions


def test_fit_weights_moves_each_weight_towards_the_observed_precision() -> None:
    fee, urgency = FraudFlag.UPFRONT_FEE, FraudFlag.URGENCY_BAIT
    examples = [(frozenset({fee}), True)] * 18 + [(frozenset({fee}), False)] * 2
    examples += [(frozenset({urgency}), False)] * 19 + [(frozenset({urgency, fee}), True)]
    prior = dict(DEFAULT_WEIGHTS)
    fitted = fit_weights(examples, prior)
    fee_precision, urgency_precision = 19 / 21, 1 / 20
    assert prior[fee] < fitted[fee] < fee_precision
    assert urgency_precision < fitted[urgency] < prior[urgency]
    assert fitted[fee] == pytest.approx((19 + 5 * prior[fee]) / (21 + 5))
    assert fitted[FraudFlag.MONEY_MULE] == prior[FraudFlag.MONEY_MULE]  # never fired: keeps its prior


def test_fit_weights_tends_to_the_precision_as_labels_accumulate() -> None:
    flag = FraudFlag.OFF_PLATFORM_CONTACT
    few = [(frozenset({flag}), True)] * 3 + [(frozenset({flag}), False)]
    many = few * 250
    prior = {flag: 0.4}
    assert abs(fit_weights(many, prior)[flag] - 0.75) < abs(fit_weights(few, prior)[flag] - 0.75)
    assert fit_weights(many, prior)[flag] == pytest.approx(0.75, abs=0.01)


def test_fit_weights_without_examples_returns_the_prior_and_fills_missing_flags_from_the_defaults() -> None:
    fitted = fit_weights([], {FraudFlag.UPFRONT_FEE: 0.9})
    assert fitted[FraudFlag.UPFRONT_FEE] == 0.9
    assert fitted[FraudFlag.MONEY_MULE] == DEFAULT_WEIGHTS[FraudFlag.MONEY_MULE]
    assert set(fitted) == set(FraudFlag)


def test_fit_weights_rejects_a_weight_outside_0_1_and_a_non_positive_strength() -> None:
    with pytest.raises(Invalid):
        fit_weights([], {FraudFlag.UPFRONT_FEE: 1.2})
    with pytest.raises(Invalid):
        fit_weights([], {}, strength=0)
