"""A vacancy in each partner format: canonical record, schema.org JobPosting, CSV row, RSS item (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from email.utils import format_datetime
from xml.sax.saxutils import escape

from lmis.demo.model import Vacancy

# The CSV partner's own column names for the canonical fields (dotted names are nested fields).
CSV_COLUMNS = {
    "external_id": "Job Ref",
    "title": "Position",
    "employer.name": "Company",
    "employer.registration_id": "Company Reg No",
    "employer.industry": "Industry",
    "employer.size": "Company Size",
    "employer.url": "Company Website",
    "address.locality": "City",
    "address.region": "Province",
    "address.country": "Country",
    "latitude": "Lat",
    "longitude": "Lng",
    "employment_type": "Contract",
    "working_hours": "Hours",
    "salary.currency": "Pay Currency",
    "salary.min": "Pay From",
    "salary.max": "Pay To",
    "salary.unit": "Pay Period",
    "salary.text": "Pay Note",
    "education": "Education",
    "experience_months": "Experience (months)",
    "openings": "Vacancies",
    "date_posted": "Posted",
    "valid_through": "Closing",
    "language": "Language",
    "url": "Link",
    "description": "Details",
}
_SCHEMA_TYPES = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "temporary": "TEMPORARY",
    "contractor": "CONTRACTOR",
    "intern": "INTERN",
}


def canonical(vacancy: Vacancy, *, external_id: str, url: str, country: str) -> dict[str, object]:
    """The canonical posting record of docs/ingest.md (plus `"synthetic": true`, kept raw and ignored)."""
    employer = vacancy.employer
    salary: dict[str, object] = {"text": vacancy.pay_text}
    if vacancy.pay is not None:
        pay = vacancy.pay
        salary = {"currency": pay.currency, "min": pay.minimum, "max": pay.maximum, "unit": pay.unit}
    return {
        "external_id": external_id,
        "title": vacancy.title,
        "description": vacancy.description_html,
        "employer": {
            "name": employer.name,
            "registration_id": employer.registration_id,
            "industry": employer.industry,
            "size": employer.size,
            "region": employer.region.name,
            "url": employer.url,
        },
        "address": {"locality": vacancy.locality, "region": vacancy.region, "country": country},
        "latitude": vacancy.latitude,
        "longitude": vacancy.longitude,
        "employment_type": vacancy.employment_type,
        "working_hours": vacancy.working_hours,
        "salary": salary,
        "education": vacancy.education,
        "experience_months": vacancy.experience_months,
        "openings": vacancy.openings,
        "date_posted": vacancy.date_posted.isoformat(),
        "valid_through": vacancy.valid_through.isoformat(),
        "status": "published",
        "language": vacancy.language,
        "url": url,
        "synthetic": True,
    }


def job_posting(vacancy: Vacancy, *, external_id: str, source: str, url: str, country: str) -> dict[str, object]:
    """A schema.org JobPosting (JSON-LD) carrying the same vacancy."""
    return {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": source, "value": external_id},
        "title": vacancy.title,
        "description": vacancy.description_html,
        "datePosted": vacancy.date_posted.isoformat(),
        "validThrough": vacancy.valid_through.isoformat(),
        "employmentType": _SCHEMA_TYPES.get(vacancy.employment_type, "OTHER"),
        "workHours": vacancy.working_hours,
        "hiringOrganization": {"@type": "Organization", "name": vacancy.employer.name, "url": vacancy.employer.url},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": vacancy.locality,
                "addressRegion": vacancy.region,
                "addressCountry": country,
            },
            "geo": {"@type": "GeoCoordinates", "latitude": vacancy.latitude, "longitude": vacancy.longitude},
        },
        "educationRequirements": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": vacancy.education,
        },
        "experienceRequirements": {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": vacancy.experience_months,
        },
        "baseSalary": _base_salary(vacancy),
        "totalJobOpenings": vacancy.openings,
        "inLanguage": vacancy.language,
        "url": url,
    }


def _base_salary(vacancy: Vacancy) -> dict[str, object]:
    """schema.org MonetaryAmount: a min-max range per period, or the ad's words when it states no figure."""
    pay = vacancy.pay
    if pay is None:
        return {"@type": "MonetaryAmount", "value": {"@type": "QuantitativeValue", "value": vacancy.pay_text}}
    value = {
        "@type": "QuantitativeValue",
        "minValue": pay.minimum,
        "maxValue": pay.maximum,
        "unitText": pay.unit.upper(),
    }
    return {"@type": "MonetaryAmount", "currency": pay.currency, "value": value}


def csv_row(vacancy: Vacancy, *, external_id: str, url: str, country: str) -> list[str]:
    """The CSV partner's row, in the order of `CSV_COLUMNS`."""
    record = canonical(vacancy, external_id=external_id, url=url, country=country)
    row = []
    for field in CSV_COLUMNS:
        value: object = record
        for part in field.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        row.append("" if value is None else str(value))
    return row


def rss_item(vacancy: Vacancy, *, guid: str, url: str) -> str:
    """An RSS 2.0 `<item>`: title, link, guid, description (escaped HTML), pubDate, creator and category."""
    published = datetime.combine(vacancy.date_posted, time(8 + vacancy.number % 10, vacancy.number * 7 % 60), UTC)
    return (
        "<item>"
        f"<title>{escape(vacancy.title)}</title>"
        f"<link>{escape(url)}</link>"
        f'<guid isPermaLink="false">{escape(guid)}</guid>'
        f"<description>{escape(vacancy.description_html)}</description>"
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<dc:creator>{escape(vacancy.employer.name)}</dc:creator>"
        f"<category>{escape(vacancy.region)}</category>"
        "</item>\n"
    )
