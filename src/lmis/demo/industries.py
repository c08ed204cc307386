"""Industries of synthetic employers (ISIC Rev. 4 sections) and which occupations each one hires.

Section titles: UN ISIC Rev. 4; Korean from KSIC 10 (통계청), Indonesian from KBLI 2020 (BPS).
The ISCO-to-industry lists are a plausibility rule for the demo, not a statistic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Industry:
    """An ISIC section with its names and the words synthetic employer names of it use."""

    section: str
    label: str
    label_ko: str
    label_id: str
    words: tuple[str, ...]
    words_id: tuple[str, ...]
    institution: bool = False  # schools, hospitals and agencies carry no company suffix

    def label_in(self, language: str) -> str:
        """The section's name in `language` (English when there is none)."""
        return {"ko": self.label_ko, "id": self.label_id}.get(language, self.label)


INDUSTRIES = (
    Industry(
        "A",
        "Agriculture, forestry and fishing",
        "농업, 임업 및 어업",
        "Pertanian, Kehutanan dan Perikanan",
        ("Farms", "Agro", "Fisheries"),
        ("Agro", "Perkebunan", "Perikanan"),
    ),
    Industry(
        "B",
        "Mining and quarrying",
        "광업",
        "Pertambangan dan Penggalian",
        ("Resources", "Minerals"),
        ("Tambang", "Mineral"),
    ),
    Industry(
        "C",
        "Manufacturing",
        "제조업",
        "Industri Pengolahan",
        ("Manufacturing", "Industries", "Precision", "Materials"),
        ("Industri", "Manufaktur", "Presisi"),
    ),
    Industry(
        "F",
        "Construction",
        "건설업",
        "Konstruksi",
        ("Construction", "Builders", "Engineering"),
        ("Konstruksi", "Bangun", "Teknik"),
    ),
    Industry(
        "G",
        "Wholesale and retail trade",
        "도매 및 소매업",
        "Perdagangan Besar dan Eceran",
        ("Retail", "Trading", "Mart"),
        ("Niaga", "Dagang", "Mart"),
    ),
    Industry(
        "H",
        "Transportation and storage",
        "운수 및 창고업",
        "Transportasi dan Pergudangan",
        ("Logistics", "Transport", "Express"),
        ("Logistik", "Transportasi", "Ekspres"),
    ),
    Industry(
        "I",
        "Accommodation and food service activities",
        "숙박 및 음식점업",
        "Penyediaan Akomodasi dan Makan Minum",
        ("Hospitality", "Foods", "Hotels"),
        ("Boga", "Hotel", "Kuliner"),
    ),
    Industry(
        "J",
        "Information and communication",
        "정보통신업",
        "Informasi dan Komunikasi",
        ("Software", "Digital", "Networks", "Media"),
        ("Teknologi", "Digital", "Media"),
    ),
    Industry(
        "K",
        "Financial and insurance activities",
        "금융 및 보험업",
        "Jasa Keuangan dan Asuransi",
        ("Finance", "Insurance", "Capital"),
        ("Finansial", "Asuransi", "Modal"),
    ),
    Industry(
        "M",
        "Professional, scientific and technical activities",
        "전문, 과학 및 기술 서비스업",
        "Jasa Profesional, Ilmiah dan Teknis",
        ("Consulting", "Labs", "Design"),
        ("Konsultan", "Riset", "Desain"),
    ),
    Industry(
        "N",
        "Administrative and support service activities",
        "사업시설 관리, 사업 지원 및 임대 서비스업",
        "Jasa Persewaan dan Penunjang Usaha",
        ("Services", "Facility Services", "Staffing"),
        ("Jasa", "Layanan", "Karya"),
    ),
    Industry(
        "O",
        "Public administration and defence",
        "공공 행정, 국방 및 사회보장 행정",
        "Administrasi Pemerintahan dan Pertahanan",
        ("Public Services Agency",),
        ("Badan Layanan",),
        institution=True,
    ),
    Industry(
        "P",
        "Education",
        "교육 서비스업",
        "Jasa Pendidikan",
        ("Academy", "Learning Centre", "Institute"),
        ("Akademi", "Lembaga Pendidikan"),
        institution=True,
    ),
    Industry(
        "Q",
        "Human health and social work activities",
        "보건업 및 사회복지 서비스업",
        "Jasa Kesehatan dan Kegiatan Sosial",
        ("Hospital", "Clinic", "Care Centre"),
        ("Rumah Sakit", "Klinik"),
        institution=True,
    ),
    Industry(
        "R",
        "Arts, entertainment and recreation",
        "예술, 스포츠 및 여가관련 서비스업",
        "Kesenian, Hiburan dan Rekreasi",
        ("Studios", "Leisure", "Entertainment"),
        ("Studio", "Hiburan"),
    ),
)

# ISCO-08 major group (first digit) -> sections that hire it; sub-major groups (two digits) refine it.
_BY_MAJOR = {
    "0": "O",
    "1": "ACFGHIJKMNPQR",
    "2": "JKMPQ",
    "3": "CFJMQ",
    "4": "GHKNO",
    "5": "GINQ",
    "6": "A",
    "7": "CF",
    "8": "BCH",
    "9": "AFGIN",
}
_BY_SUB_MAJOR = {
    "21": "CFM",
    "22": "Q",
    "23": "P",
    "24": "KM",
    "25": "J",
    "26": "MRO",
    "32": "Q",
    "33": "KMG",
    "34": "NRQ",
    "35": "J",
    "51": "INR",
    "52": "G",
    "53": "QP",
    "54": "NO",
    "83": "H",
    "91": "NI",
    "93": "HCF",
    "94": "I",
}


def sections_hiring(isco_group: str) -> str:
    """The ISIC sections whose employers post ads for ISCO group `isco_group` (every section when unknown)."""
    return _BY_SUB_MAJOR.get(isco_group[:2]) or _BY_MAJOR.get(isco_group[:1]) or _BY_MAJOR["1"]
