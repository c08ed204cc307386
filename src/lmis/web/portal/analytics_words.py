"""The words analytics charts draw, in the request's language: read from `_chart_words.html` (so that Babel
extracts them with the other portal strings) and handed to the pure chart functions."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from fastapi import Request

from lmis.web.portal.charts import Words
from lmis.web.portal.charts_bars import EffectWords, GapWords
from lmis.web.portal.charts_map import MapWords
from lmis.web.portal.charts_range import PayWords
from lmis.web.portal.i18n import Catalogs

LANG_COOKIE = "lmis_lang"  # the portal's language cookie (lmis.web.portal.views)


@dataclass(frozen=True)
class ChartWords:
    """Every chart's words in one language, with measure names and chart titles."""

    language: str
    words: Words
    gap: GapWords
    effect: EffectWords
    map: MapWords
    pay: PayWords
    measures: dict[str, str]
    titles: dict[str, str]

    def measure(self, name: str) -> str:
        return self.measures.get(name, name.replace("_", " "))

    def title(self, name: str, **values: object) -> str:
        return self.words.text(self.titles.get(name, name), **values)


def language_of(request: Request) -> str:
    """The request's language, chosen as the portal chooses it (`?lang=`, cookie, Accept-Language)."""
    catalogs: Catalogs = request.app.state.catalogs
    return catalogs.choose(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )


def chart_words(request: Request) -> ChartWords:
    """The chart words of the request's language."""
    language = language_of(request)
    catalogs: Catalogs = request.app.state.catalogs
    module = request.app.state.templates.get_template("_chart_words.html").make_module(
        {"_": catalogs.get(language).gettext}
    )
    return ChartWords(
        language,
        Words(locale=language, **_known(Words, module.words)),
        GapWords(**_known(GapWords, module.gap_words)),
        EffectWords(**_known(EffectWords, module.effect_words)),
        MapWords(**_known(MapWords, module.map_words)),
        PayWords(**_known(PayWords, module.pay_words)),
        dict(module.measures),
        dict(module.titles),
    )


def _known(kind: type[Any], given: dict[str, str]) -> dict[str, str]:
    names = {f.name for f in fields(kind)}
    return {name: str(value) for name, value in given.items() if name in names}
