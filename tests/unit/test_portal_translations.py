"""The portal's Korean and Indonesian catalogs cover every template string, and a request gets the right language."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from lmis.web.portal.i18n import DOMAIN, LOCALES, Catalogs, load_catalogs

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
TEMPLATES = ROOT / "src" / "lmis" / "web" / "portal" / "templates"
TRANSLATED = ("ko", "id")
# printf-style placeholders as Python's % operator reads them: %(num)d, %s, %.2f, %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
PROPER_NAMES = ("ESCO", "ISCO-08", "O*NET", "USDOL/ETA", "CC BY 4.0", "LMIS", "API")


def _key(msgid: str | tuple[str, ...]) -> str:
    """The catalog key of a message: its singular msgid."""
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _strings(message: Message) -> tuple[str, ...]:
    """Every translation of a message: one, or one per plural form."""
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _read(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as stream:
        return read_po(stream, locale=language)


@pytest.fixture(scope="module")
def template_messages() -> dict[str, str | tuple[str, ...]]:
    """The messages of the templates, extracted now with Babel and the project's babel.cfg."""
    with BABEL_CFG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, str(BABEL_CFG))
    extracted = extract_from_dir(TEMPLATES, method_map, options_map)
    return {_key(message): message for _filename, _lineno, message, _comments, _context in extracted}


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return load_catalogs("en")


def test_babel_cfg_extracts_the_strings_and_plurals_of_the_templates(
    template_messages: dict[str, str | tuple[str, ...]],
) -> None:
    assert template_messages["Occupations"] == "Occupations"
    assert template_messages["Skip to main content"] == "Skip to main content"
    assert template_messages["%(num)d skill found"] == ("%(num)d skill found", "%(num)d skills found")
    assert len(template_messages) > 50


def test_the_message_template_is_up_to_date_with_the_templates(
    template_messages: dict[str, str | tuple[str, ...]],
) -> None:
    with (LOCALES / f"{DOMAIN}.pot").open("rb") as stream:
        pot = read_po(stream)
    assert {message.id for message in pot if message.id} == set(template_messages.values())


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_template_string_is_translated_into_korean_and_indonesian(
    language: str, template_messages: dict[str, str | tuple[str, ...]]
) -> None:
    catalog = _read(language)
    assert not catalog.fuzzy, f"the {language} catalog header is marked fuzzy"
    problems = []
    for key, msgid in template_messages.items():
        message = catalog.get(key)
        if message is None:
            problems.append(f"missing: {key!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        elif message.id != msgid:
            problems.append(f"plural form differs from the template: {key!r}")
        elif len(_strings(message)) != (catalog.num_plurals if message.pluralizable else 1):
            problems.append(f"wrong number of plural forms: {key!r}")
        elif not all(string.strip() for string in _strings(message)):
            problems.append(f"untranslated: {key!r}")
    assert not problems, f"{language}: " + "; ".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogs_have_no_fuzzy_entries(language: str) -> None:
    assert [message.id for message in _read(language) if message.id and message.fuzzy] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_english_text(language: str) -> None:
    catalog = _read(language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        # The last msgid is the plural (or only) English form; with one plural form it stands for every count.
        english = message.id[-1] if isinstance(message.id, tuple) else message.id
        for string in _strings(message):
            if _placeholders(string) != _placeholders(english):
                problems.append(f"{english!r} -> {string!r}")
    assert not problems, f"{language}: " + "; ".join(problems)
    assert [(message.id, errors) for message, errors in catalog.check()] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_proper_names_untranslated(language: str) -> None:
    problems = [
        f"{name} in {message.id!r}"
        for message in _read(language)
        if message.id
        for name in PROPER_NAMES
        if name in _key(message.id)
        for string in _strings(message)
        if name not in string
    ]
    assert not problems, f"{language}: " + "; ".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_korean_and_indonesian_have_one_plural_form(language: str, catalogs: Catalogs) -> None:
    assert _read(language).plural_forms == "nplurals=1; plural=0;"
    translations = catalogs.get(language)
    one = translations.ngettext("%(num)d skill found", "%(num)d skills found", 1)
    many = translations.ngettext("%(num)d skill found", "%(num)d skills found", 5)
    assert one == many
    assert "%(num)d" in many
    assert "skills" not in many


@pytest.mark.parametrize(
    ("asked", "cookie", "accept_language", "expected"),
    [
        pytest.param("id", "ko", "ko-KR,ko;q=0.9", "id", id="?lang over cookie and Accept-Language"),
        pytest.param(None, "id", "ko-KR,ko;q=0.9,en;q=0.5", "id", id="cookie over Accept-Language"),
        pytest.param("fr", "ko", "id-ID", "ko", id="an unknown ?lang is ignored"),
        pytest.param(None, "fr", "id-ID", "id", id="an unknown cookie is ignored"),
        pytest.param(None, None, "ko-KR,ko;q=0.9,en;q=0.5", "ko", id="Korean browser"),
        pytest.param(None, None, "id-ID", "id", id="Indonesian browser"),
        pytest.param(None, None, "en-GB,en;q=0.8", "en", id="English browser"),
        pytest.param(None, None, "fr", "en", id="a language we lack falls back to the default"),
        pytest.param(None, None, None, "en", id="no preference gets the default"),
    ],
)
def test_a_request_gets_its_lang_parameter_then_its_cookie_then_its_browser_language(
    catalogs: Catalogs, asked: str | None, cookie: str | None, accept_language: str | None, expected: str
) -> None:
    assert catalogs.choose(asked, cookie, accept_language) == expected


def test_a_browser_language_we_lack_falls_back_to_the_configured_default() -> None:
    assert load_catalogs("ko").choose(None, None, "fr-FR,fr;q=0.9") == "ko"


def test_the_loaded_catalogs_translate_the_portal_into_korean_and_indonesian(catalogs: Catalogs) -> None:
    assert catalogs.get("ko").gettext("Occupations") == "직업"
    assert catalogs.get("id").gettext("Occupations") == "Jabatan"
    assert catalogs.get("ko").ngettext("%(num)d occupation found", "%(num)d occupations found", 3) % {"num": 3} == (
        "직업 3개를 찾았습니다"
    )


def test_english_shows_the_template_text_itself(catalogs: Catalogs) -> None:
    english = catalogs.get("en")
    assert english.gettext("Occupations") == "Occupations"
    assert english.ngettext("%(num)d skill found", "%(num)d skills found", 1) == "%(num)d skill found"
    assert english.ngettext("%(num)d skill found", "%(num)d skills found", 2) == "%(num)d skills found"


def test_accept_language_is_read_by_quality_not_by_position() -> None:
    catalogs = load_catalogs("en")
    assert catalogs.choose(None, None, "en;q=0.1, ko;q=0.9") == "ko"
    assert catalogs.choose(None, None, "ko;q=0, id;q=0.5") == "id"
