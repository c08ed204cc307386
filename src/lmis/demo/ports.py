"""What the demo generator needs from the stored taxonomy (implemented over the taxonomy repository)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from lmis.demo.model import Occupation, OccupationDetails
from lmis.taxonomy.crosswalk import Node
from lmis.taxonomy.model import CodeMapping


class DemoTaxonomy(Protocol):
    """ESCO occupations, crosswalk mappings and the skills and tasks of an occupation, read-only."""

    def occupations(self) -> list[Occupation]:
        """Every ESCO occupation of the current releases with its English labels, ordered by code."""

    def mappings_near(self, nodes: Collection[Node], hops: int) -> list[tuple[CodeMapping, str]]:
        """Every crosswalk mapping (with its crosswalk release) within `hops` steps of `nodes`."""

    def details(self, occupation: Occupation, onet_code: str) -> OccupationDetails:
        """The occupation's ESCO skills (essential first) and the task statements of O*NET `onet_code`."""
