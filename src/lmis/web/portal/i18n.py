"""Portal translations: Babel catalogs (en, ko, id) and choosing a language for a request."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = {"en": "English", "ko": "한국어", "id": "Bahasa Indonesia"}
LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Catalogs:
    """The loaded translations by language code."""

    by_language: dict[str, NullTranslations]
    default: str

    def get(self, language: str) -> NullTranslations:
        """Translations for `language` (the identity for English and unknown languages)."""
        return self.by_language.get(language, NullTranslations())

    def choose(self, asked: str | None, cookie: str | None, accept_language: str | None) -> str:
        """The language of a request: `?lang=`, then the cookie, then Accept-Language, then the default."""
        for candidate in (asked, cookie):
            if candidate in LANGUAGES:
                return candidate
        if accept_language:
            chosen = negotiate_locale(_by_preference(accept_language), list(LANGUAGES), sep="_")
            if chosen:
                return chosen.split("_")[0]
        return self.default


def _by_preference(accept_language: str) -> list[str]:
    """Locales of an Accept-Language header, highest q-value first; q=0 means "not this one" (RFC 9110)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if name and quality > 0:
            weighted.append((-quality, position, name.strip().replace("-", "_")))
    return [name for _q, _position, name in sorted(weighted)]


def load_catalogs(default: str) -> Catalogs:
    """Compile the `.po` catalogs in memory (no compiled `.mo` files are kept in the tree)."""
    loaded: dict[str, NullTranslations] = {}
    for language in LANGUAGES:
        po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.is_file():
            continue
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded[language] = Translations(buffer, domain=DOMAIN)
    return Catalogs(loaded, default)
