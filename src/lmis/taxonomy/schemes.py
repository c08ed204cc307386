"""The code systems LMIS knows by name, their aliases, and how their concepts get stable ids."""

from __future__ import annotations

from lmis.shared.ids import stable_id
from lmis.taxonomy.model import Scheme

ESCO_OCCUPATION = Scheme("esco-occupation", "ESCO occupations", "esco")
ESCO_SKILL = Scheme("esco-skill", "ESCO skills, knowledge and skill groups", "esco")
ISCO_08 = Scheme("isco-08", "International Standard Classification of Occupations 2008", "isco")
ONET_SOC_2019 = Scheme("onet-soc-2019", "O*NET-SOC 2019 occupations", "onet")
ONET_SOC_2010 = Scheme("onet-soc-2010", "O*NET-SOC 2010 occupations", "onet")
SOC_2010 = Scheme("soc-2010", "US Standard Occupational Classification 2010", "soc")
SOC_2018 = Scheme("soc-2018", "US Standard Occupational Classification 2018", "soc")

KNOWN_SCHEMES = {
    s.code: s for s in (ESCO_OCCUPATION, ESCO_SKILL, ISCO_08, ONET_SOC_2019, ONET_SOC_2010, SOC_2010, SOC_2018)
}

ALIASES = {
    "esco": ESCO_OCCUPATION.code,
    "isco": ISCO_08.code,
    "isco08": ISCO_08.code,
    "onet": ONET_SOC_2019.code,
    "onet-soc": ONET_SOC_2019.code,
    "soc": SOC_2018.code,
}


def concept_id(scheme: str, native_key: str) -> str:
    """The stable id of the concept `native_key` (its URI or code) in `scheme`."""
    return stable_id(scheme, native_key)


def isco_id(code: str) -> str:
    """The stable id of ISCO-08 group `code`."""
    return concept_id(ISCO_08.code, code)
