"""Programme episodes for tests: the demo generator's file, imported with the demo country's regions as places."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

from lmis.analytics.programmes import EpisodeImportReport, import_episodes
from lmis.bootstrap import Services
from lmis.demo.profiles import KOREA
from lmis.demo.programmes import FILE, write_programmes
from lmis.shared.errors import did_you_mean
from lmis.shared.progress import SilentProgress
from lmis.sources.programme_file import read_episodes

AS_OF = date(2026, 11, 1)
SOURCE = "demo-programmes"


class DemoRegions:
    """Places by the demo's Korean region names (`KR-R01`...), without loading the gazetteer (4 s)."""

    def __init__(self) -> None:
        numbered = list(enumerate(KOREA.regions, start=1))
        self.ids = {name: f"KR-R{n:02d}" for n, region in numbered for name in (region.local_name, region.name)}

    def resolve(self, text: str) -> str | None:
        return self.ids.get(text.strip()) or (text.strip() if text.strip() in self.ids.values() else None)

    def suggest(self, text: str) -> list[str]:
        return [self.ids[name] for name in did_you_mean(text, list(self.ids))]


def write_sample(folder: Path, *, count: int, seed: int = 1) -> dict[str, Any]:
    """Write the demo's episode file of `count` episodes into `folder`; its manifest entry (with true effects)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"lmis-demo:{seed}:programmes")  # what `generator.stream(seed, "programmes")` gives
    return write_programmes(folder, rng=rng, count=count, profile=KOREA, as_of=AS_OF, progress=SilentProgress())


def import_file(services: Services, path: Path, source: str = SOURCE) -> EpisodeImportReport:
    """Import an episode CSV with the demo's places."""
    return import_episodes(
        read_episodes(path),
        source=source,
        uow=services.uow,
        regions=DemoRegions(),
        now=services.now,
        progress=SilentProgress(),
    )


def import_programme_sample(services: Services, folder: Path, *, count: int = 300) -> EpisodeImportReport:
    """A small demo episode file (three programmes, a comparison pool) written to `folder` and imported."""
    write_sample(folder, count=count, seed=7)
    return import_file(services, folder / FILE)
