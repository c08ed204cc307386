"""Cut the small taxonomy extract in tests/data/taxonomy from the shipped releases in data/taxonomy.

Run from the repository root: python tests/data/make_sample_taxonomy.py
It keeps a handful of occupations (nursing, welding, software development) with everything
they touch, so tests run in milliseconds on real ESCO, ISCO, O*NET, SOC and crosswalk rows.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path

SOURCE = Path("data/taxonomy")
TARGET = Path("tests/data/taxonomy")
ESCO_OCCUPATIONS = {
    "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50",  # nurse responsible for general care
    "http://data.europa.eu/esco/occupation/36494988-69d2-4420-9db4-eb56605ac983",  # advanced nurse practitioner
    "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",  # software developer
}
ISCO_PREFIXES = ("2", "22", "222", "2221", "25", "251", "2512", "7", "72", "721", "7212")
ONET_CODES = {"29-1141.00", "29-1141.01", "15-1252.00", "51-4121.00"}


def read(path: Path, delimiter: str = ",") -> tuple[list[str], list[dict[str, str]]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as stream:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        reader = csv.DictReader(stream, delimiter=delimiter, quoting=quoting)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    writer = csv.DictWriter(buffer, header, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def esco() -> None:
    src, dst = SOURCE / "esco", TARGET / "esco"
    header, relations = read(src / "occupationSkillRelations.csv.gz")
    relations = [r for r in relations if r["occupationUri"] in ESCO_OCCUPATIONS]
    skills = {r["skillUri"] for r in relations}
    write(dst / "occupationSkillRelations.csv", header, relations)
    for name, keep in (
        ("occupations_en", ESCO_OCCUPATIONS),
        ("occupations_fr", ESCO_OCCUPATIONS),
        ("skills_en", skills),
    ):
        header, rows = read(src / f"{name}.csv.gz")
        write(dst / f"{name}.csv", header, [r for r in rows if r["conceptUri"] in keep])
    header, rows = read(src / "skillSkillRelations.csv.gz")
    write(
        dst / "skillSkillRelations.csv",
        header,
        [r for r in rows if r["originalSkillUri"] in skills and r["relatedSkillUri"] in skills],
    )
    header, rows = read(src / "broaderRelationsOccPillar.csv.gz")
    write(dst / "broaderRelationsOccPillar.csv", header, [r for r in rows if r["conceptUri"] in ESCO_OCCUPATIONS])
    header, rows = read(src / "broaderRelationsSkillPillar.csv.gz")
    write(
        dst / "broaderRelationsSkillPillar.csv",
        header,
        [r for r in rows if r["conceptUri"] in skills and r["broaderUri"] in skills],
    )
    header, rows = read(src / "digitalSkillsCollection_en.csv.gz")
    write(dst / "digitalSkillsCollection_en.csv", header, [r for r in rows if r["conceptUri"] in skills])
    (dst / "VERSION").write_text("1.1.1\n")


def isco() -> None:
    header, rows = read(SOURCE / "isco" / "isco08_structure_ilo.csv")
    write(TARGET / "isco" / "isco08_structure_ilo.csv", header, [r for r in rows if r["isco_code"] in ISCO_PREFIXES])
    header, rows = read(SOURCE / "isco" / "ISCOGroups_en.csv.gz")
    write(TARGET / "isco" / "ISCOGroups_en.csv", header, [r for r in rows if r["code"] in ISCO_PREFIXES])


def onet() -> None:
    for name in (
        "Occupation Data",
        "Alternate Titles",
        "Sample of Reported Titles",
        "Job Zones",
        "Task Statements",
        "Skills",
        "Knowledge",
        "Technology Skills",
    ):
        header, rows = read(SOURCE / "onet" / f"{name}.txt.gz", "\t")
        write(TARGET / "onet" / f"{name}.txt", header, [r for r in rows if r["O*NET-SOC Code"] in ONET_CODES], "\t")
    shutil.copy(SOURCE / "onet" / "VERSION", TARGET / "onet" / "VERSION")


def soc_and_crosswalks() -> None:
    header, rows = read(SOURCE / "soc" / "soc2010_structure_bls.csv")
    keep = [r for r in rows if any(r[c].startswith(("29-", "15-", "51-")) for c in header[:4])]
    write(TARGET / "soc" / "soc2010_structure_bls.csv", header, keep)
    for name in (
        "isco08_to_soc2010_bls",
        "onetsoc2010_to_onetsoc2019",
        "onetsoc2010_to_soc2010",
        "esco_onet_crosswalk_nesta_Nov2020",
    ):
        header, rows = read(SOURCE / "crosswalks" / f"{name}.csv")
        kept = [
            r
            for r in rows
            if any(
                v in ONET_CODES
                or v in ESCO_OCCUPATIONS
                or v[:4] in ISCO_PREFIXES
                or v.startswith(("29-1141", "15-1252", "51-4121"))
                for v in r.values()
            )
        ]
        write(TARGET / "crosswalks" / f"{name}.csv", header, kept)


if __name__ == "__main__":
    shutil.rmtree(TARGET, ignore_errors=True)
    esco()
    isco()
    onet()
    soc_and_crosswalks()
