"""XSS payloads in every user-supplied text field render inert in the portal, checked in a real browser.

Payloads go in through the ways people supply text: partner feeds, the vacancy form, search boxes and
query strings, sign-up, profile, consent, API client and administration forms, decisions on the staff
queues, and audited actions. Every page that shows them is then opened in Chromium, which must run none
of them (`window.__xss` stays undefined, no dialog opens), hold none of their elements or event
handlers, link nowhere but http(s), and show the payload as the text that was typed.

The browser ignores the portal's Content-Security-Policy (`bypass_csp`): the policy would stop an
injected script from running and so hide a missing escape; these tests check the escaping itself.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pytest
from tests.conftest import empty_postgres
from tests.e2e.conftest import serve
from tests.e2e.enrichment_app import EVERY_STEP, NURSE, SCAM, enrichment_services, ingest
from tests.identities import PASSWORD, Person, make_account, session_cookie

from lmis.bootstrap import Services
from lmis.identity.model import Role
from lmis.ingest.pipeline import RunOptions
from lmis.ingest.services import ingest_stream
from lmis.ingest.validation import posting_id
from lmis.people import services as people
from lmis.people.model import PersonalData
from lmis.shared.progress import SilentProgress
from lmis.sources.ndjson import NdjsonFormat
from lmis.web.csrf import SESSION_COOKIE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Dialog, FilePayload, Page

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror="window.__xss=1">'
SVG = "'><svg onload=window.__xss=1>"
JS_URL = "javascript:window.__xss=1"
TEMPLATE = "{{7*7}}"
TEXTAREA = "</textarea><script>window.__xss=1</script>"
LINK = '<a href="javascript:window.__xss=1">x</a>'
PAYLOADS = (SCRIPT, IMG, SVG, JS_URL, TEMPLATE, TEXTAREA, LINK)
EVERY = " ".join(PAYLOADS)
SHORT = f"{IMG} {SVG} {TEMPLATE} {TEXTAREA}"  # for fields of at most 200 characters
UNQUOTED = (SCRIPT, IMG, TEMPLATE, TEXTAREA, LINK)  # shown unchanged inside an error's repr() of the value


def typed(label: str, payload: str = EVERY) -> str:
    """A field value: which field it is, then the payload (so a page shows which field it rendered)."""
    return f"{label} {payload}"


TITLE = typed("Night nurse")
SCAM_TITLE = typed("Data entry", SHORT)
EMPLOYER = typed("Employer")
SOURCE = "board-b"  # source names are letters, digits and . _ - only (lmis.shared.ids.check_source_name)
APPLY_URL = f"https://example.org/apply?next={IMG}{SCRIPT}"
# PostgreSQL holds at most 32 characters of a postal code and 64 of a country.
ADDRESS = {"street": typed("street", SHORT), "locality": typed("locality", SHORT), "region": typed("region", SHORT)}
ADDRESS |= {"postal_code": SVG, "country": typed("country", SVG)}
SALARY_TEXT = typed("Pay", SHORT)
# What the ingest keeps of a description: allowed tags, escaped text, links without unsafe schemes.
DESCRIPTION = (
    "<p>We need a registered nurse with patient care experience. Python is a plus.</p>"
    "<p>Escaped: &lt;script&gt;window.__xss=1&lt;/script&gt;"
    " &quot;&gt;&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt; {{7*7}}</p>"
    '<p><a href="jav&#x61;script:window.__xss=1">encoded scheme</a> <a href=javascript&colon;window.__xss=1>colon</a>'
    ' <a href="&#x20;javascript:window.__xss=1">spaced</a> <a href="https://example.org/apply">apply</a></p>'
    '<p><img/src=x/onerror=window.__xss=1><svg/onload=window.__xss=1></svg>stripped <a href="data:text/html;base64,'
    'PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==">data</a></p>'
)
DESCRIPTION_SHOWN = f'Escaped: {SCRIPT} "><img src=x onerror="window.__xss=1"> {TEMPLATE}'
SCAM_TEXT = (
    "<p>Earn big from home. Pay a small &lt;script&gt;window.__xss=1&lt;/script&gt; registration fee of $50 "
    "before you start. Message us on WhatsApp +44 7700 900123 to begin today.</p>"
)

# Run in the page: everything a payload could have become, listed (an empty list: the page is inert).
INERT = """() => {
  const found = [];
  if (typeof window.__xss !== 'undefined') found.push('window.__xss was set');
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith('on')) found.push(`${element.localName}[${attribute.name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attribute.name.toLowerCase())) {
        let protocol = '';
        try { protocol = new URL(attribute.value, document.baseURI).protocol; } catch (e) { protocol = 'unparsable'; }
        if (!['http:', 'https:', 'mailto:', 'tel:', 'otpauth:'].includes(protocol)) {
          found.push(`${element.localName}[${attribute.name}=${attribute.value}]`);
        }
      }
    }
  }
  const elements = 'img[src="x"], svg[onload], iframe, frame, object, embed, base, meta[http-equiv]';
  for (const element of document.querySelectorAll(elements)) found.push(element.outerHTML.slice(0, 80));
  for (const script of document.scripts) {
    if (script.text.includes('__xss') || (script.src && !script.src.startsWith(location.origin + '/static/'))) {
      found.push(script.outerHTML.slice(0, 80));
    }
  }
  return found;
}"""


@dataclass(frozen=True)
class Site:
    """The portal, served, with the payloads the fixture stored."""

    url: str
    services: Services
    copy_id: str
    scam_id: str
    cluster_id: str


@dataclass
class Tab:
    """A browser page of one person (or nobody) that records every dialog a script opens."""

    page: Page
    dialogs: list[str] = field(default_factory=list)

    def dialog(self, dialog: Dialog) -> None:
        """Note the dialog (a payload that ran) and close it, so the page goes on."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, path: str, *shown: str, status: int = 200) -> None:
        """Open `path`, expect `status`, and check it is inert and shows each of `shown` as text."""
        response = self.page.goto(path)
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        self.check(*shown)

    def check(self, *shown: str) -> None:
        """The current page ran and holds nothing of the payloads, and shows each of `shown` as text."""
        problems = self.page.evaluate(INERT)
        assert problems == [], f"{self.page.url}: {problems}"
        assert self.dialogs == [], f"{self.page.url}: dialogs {self.dialogs}"
        text = self.page.inner_text("body")
        for expected in shown:
            assert expected in text, f"{self.page.url} does not show {expected!r} as text"

    def value(self, selector: str) -> str:
        """What the form control `selector` holds (a payload put back in a form must come back as typed)."""
        return self.page.locator(selector).input_value()

    def submit(self, button: str, status: int) -> None:
        """Press the submit button named `button` and expect the answer `status` (after redirects)."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).click()
        response = navigation.value
        assert response is not None
        assert response.status == status, f"{self.page.url}: {response.status}"


Opener = Callable[[Person | None], Tab]


def database(kind: str) -> str | None:
    """A URL to an empty PostgreSQL database for `kind` "postgresql" (None: use SQLite), as `database_url` does."""
    if kind == "sqlite":
        return None
    return empty_postgres()


def quarantined(services: Services, source: str, record: dict[str, Any]) -> int:
    """How many of one partner record the ingest held back."""
    feed = io.BytesIO((json.dumps(record) + "\n").encode())
    options = RunOptions(source, "test", enrich=services.enrich)
    run = ingest_stream(feed, NdjsonFormat(), options, uow=services.uow(), now=services.now, progress=SilentProgress())
    return run.counts.quarantined


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Partner postings full of payloads (one posted on two boards, one a scam) on every enrichment step."""
    folder = tmp_path_factory.mktemp("xss")
    url = database(request.param) or f"sqlite:///{folder / 'lmis.db'}"
    services = enrichment_services(folder, url, EVERY_STEP, mail_backend="file")
    nurse = {
        **NURSE,
        "external_id": "X-1",
        "title": TITLE,
        "description": DESCRIPTION,
        "employer": {"name": EMPLOYER},
        "address": ADDRESS,
        "salary": {"currency": "KRW", "min": 3_000_000, "unit": "month", "text": SALARY_TEXT},
        "url": APPLY_URL,
    }
    ingest(services, "board-a", [nurse, {**SCAM, "external_id": "S-1", "title": SCAM_TITLE, "description": SCAM_TEXT}])
    ingest(services, SOURCE, [nurse])  # the same advert on a second board: one vacancy
    assert services.search.sync(services.now) is not None
    with services.uow() as uow:
        stored = uow.jobs.get_many([posting_id("board-a", "X-1")])
    derived = stored[posting_id("board-a", "X-1")].derived["cluster"]
    assert isinstance(derived, dict)
    cluster = str(derived["cluster_id"])
    for base in serve(services):
        yield Site(base, services, posting_id(SOURCE, "X-1"), posting_id("board-a", "S-1"), cluster)
    services.engine.dispose()


@pytest.fixture
def tabs(browser: Browser, site: Site) -> Iterator[Opener]:
    """Opens a browser tab signed in as a person (a full session cookie), or anonymous for None."""
    contexts: list[BrowserContext] = []

    def open_tab(person: Person | None = None) -> Tab:
        context = browser.new_context(base_url=site.url, locale="en-GB", bypass_csp=True)
        contexts.append(context)
        if person is not None:
            cookie = session_cookie(site.services, person)
            context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": site.url, "httpOnly": True}])
        tab = Tab(context.new_page())
        tab.page.on("dialog", tab.dialog)
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def test_the_inert_check_finds_a_payload_that_was_rendered_as_markup(browser: Browser) -> None:
    page = browser.new_page()
    page.set_content(f"<p>{IMG}</p><p>{LINK}</p><main>{SCRIPT}</main>")
    page.wait_for_function("window.__xss === 1")
    problems = page.evaluate(INERT)
    page.close()
    assert "window.__xss was set" in problems
    assert "img[onerror]" in problems
    assert f"a[href={JS_URL}]" in problems
    assert any("<script>" in problem for problem in problems)


def test_partner_postings_show_their_payloads_as_text_on_the_list_posting_search_and_vacancy_pages(
    site: Site, tabs: Opener
) -> None:
    tab = tabs(None)
    tab.visit("/postings", TITLE, EMPLOYER, SCAM_TITLE)
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name=TITLE).first.click()  # a link made of the partner's title
    shown_address = f"{ADDRESS['locality']}, {ADDRESS['region']}, {ADDRESS['country']}"
    tab.check(TITLE, EMPLOYER, shown_address, SALARY_TEXT, DESCRIPTION_SHOWN, "encoded scheme", "stripped")
    assert tab.page.get_by_role("heading", level=1).inner_text() == TITLE
    assert TITLE in tab.page.title()
    description = tab.page.locator(".description")
    assert description.locator("img, svg, script").count() == 0
    assert [link.get_attribute("href") for link in description.locator("a").all()] == [
        None,
        None,
        None,
        "https://example.org/apply",
        None,
    ]
    assert tab.page.get_by_role("link", name="original advert").get_attribute("href") == APPLY_URL
    tab.check("read from the title “Night nurse <script>window.__xss=", "read from “Python”")  # derived from the advert

    tab.visit(f"/jobs?{urlencode({'q': 'nurse'})}", TITLE, EMPLOYER)
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name=TITLE).first.click()
    tab.check(TITLE)

    tab.visit(f"/postings/{site.copy_id}", TITLE, SOURCE)
    tab.visit(f"/vacancies/{site.cluster_id}", TITLE, EMPLOYER, SOURCE, f"board-a: {TITLE}")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name=f"board-a: {TITLE}").first.click()
    tab.check(TITLE, "board-a")

    tab.visit(f"/postings/{site.scam_id}", SCAM_TITLE, "Be careful: this advert shows signs of a job scam.")


def test_partner_records_with_javascript_addresses_are_held_back_instead_of_becoming_links(site: Site) -> None:
    addresses = (JS_URL, "JavaScript:window.__xss=1", " javascript:window.__xss=1", "java\tscript:window.__xss=1")
    for number, address in enumerate(addresses):
        record = {**NURSE, "external_id": f"J-{number}", "url": address}
        assert quarantined(site.services, "board-js", record) == 1, address
    record = {**NURSE, "external_id": "J-link", "description": f"<p>{LINK}</p>"}
    assert quarantined(site.services, "board-js", record) == 1


def test_the_vacancy_form_puts_payloads_back_as_typed_refuses_a_javascript_link_and_publishes_them_as_text(
    tabs: Opener,
) -> None:
    tab = tabs(None)
    tab.visit("/employers/postings/new")
    fields = {
        "#title": typed("Porter"),
        "#description": f"{typed('First')}\n\n{typed('Second')}",
        "#employer_name": typed("Hospital"),
        "#address_locality": typed("Town", SHORT),
        "#address_region": typed("Region", SHORT),
        "#address_country": SVG,
        "#salary_currency": IMG,
        "#url": JS_URL,
    }
    for selector, value in fields.items():
        tab.page.fill(selector, value)
    tab.submit("Publish", 422)
    tab.check("url: must be an http(s) address", "salary currency: must be an ISO 4217 code such as GBP")
    assert {selector: tab.value(selector) for selector in fields} == fields

    tab.page.fill("#salary_currency", "KRW")
    tab.page.fill("#url", f"https://example.org/apply?{IMG}")
    tab.submit("Publish", 200)
    paragraphs = [typed("First"), typed("Second")]
    tab.check(fields["#title"], fields["#employer_name"], fields["#address_locality"], *paragraphs)
    assert tab.page.locator(".description").locator("a, img, svg, script, textarea").count() == 0
    assert (
        tab.page.get_by_role("link", name="original advert").get_attribute("href") == f"https://example.org/apply?{IMG}"
    )
    with tab.page.expect_navigation():
        tab.page.locator(".notice a").click()  # the manage link shown once
    tab.check()
    assert tab.value("#title") == fields["#title"]
    assert tab.value("#description") == fields["#description"]
    assert tab.value("#address_country") == SVG

    posting = tab.page.url.split("/employers/postings/")[1].split("/")[0]
    tab.visit(f"/postings/{posting}?{urlencode({'key': EVERY})}", f"/employers/postings/{posting}/edit?key={EVERY}")
    tab.visit(f"/employers/postings/{posting}/edit?{urlencode({'key': EVERY})}", status=403)


def test_search_boxes_and_error_pages_echo_payloads_as_text_and_their_suggestions_link_within_the_site(
    tabs: Opener,
) -> None:
    tab = tabs(None)
    tab.visit(f"/jobs?{urlencode({'q': EVERY})}")
    assert tab.value("#q") == EVERY
    assert tab.value("input[name=next]") == f"/jobs?{urlencode({'q': EVERY})}"  # the language form comes back here
    tab.page.fill("#q", "Night nu")  # the typeahead offers posting titles, filled in by the page's script
    tab.page.wait_for_function(
        "title => [...document.querySelectorAll('#q-suggestions option')].some(o => o.value === title)", arg=TITLE
    )
    tab.check()

    tab.visit(f"/jobs?{urlencode({'occupation': EVERY})}", *UNQUOTED, status=422)
    assert tab.value("#occupation") == EVERY
    tab.visit(f"/jobs?{urlencode({'region': EVERY})}", *UNQUOTED, status=422)
    assert tab.value("#region") == EVERY
    fixes = tab.page.locator(".error-summary .suggestions a")
    assert fixes.count() > 0
    with tab.page.expect_navigation():
        fixes.first.click()
    tab.check()
    for name, value in (("sort", EVERY), ("salary_min", EVERY), ("near", EVERY), ("posted_since", EVERY)):
        tab.page.goto(f"/jobs?{urlencode({name: value, 'q': TEMPLATE})}")
        tab.check()
        assert tab.value("#q") == TEMPLATE

    tab.visit(f"/occupations?{urlencode({'q': EVERY})}")
    assert tab.value("#q") == EVERY
    tab.visit(f"/occupations?{urlencode({'q': 'nurse', 'scheme': EVERY})}", *UNQUOTED, status=422)
    tab.visit(f"/skills?{urlencode({'q': EVERY})}")
    assert tab.value("#q") == EVERY
    tab.visit(f"/crosswalk?{urlencode({'code': EVERY})}", *UNQUOTED, status=404)
    tab.visit(f"/crosswalk?{urlencode({'code': '29-1141.00', 'from': EVERY, 'to': EVERY})}", *UNQUOTED, status=422)
    for page in ("postings", "occupations", "skills", "vacancies"):
        tab.visit(f"/{page}/{quote(SHORT, safe='')}", status=404)
    tab.visit(f"/oauth/authorize?{urlencode({'client_id': IMG})}", IMG, status=400)


def test_a_jobseekers_payloads_show_as_text_from_sign_up_to_profile_consents_and_activity(
    site: Site, tabs: Opener
) -> None:
    tab = tabs(None)
    tab.visit("/sign-up")
    typed_in = {"#name": typed("Name", SHORT), "#email": IMG, "#employer": typed("Org", SHORT), "#registration_id": SVG}
    for selector, value in typed_in.items():
        tab.page.fill(selector, value)
    tab.page.fill("#password", PASSWORD)
    tab.submit("Create the account", 422)
    tab.check()
    assert {selector: tab.value(selector) for selector in typed_in} == typed_in
    tab.page.fill("#email", "xss.seeker@example.org")
    tab.page.fill("#password", PASSWORD)
    tab.submit("Create the account", 200)
    tab.check("xss.seeker@example.org")
    with site.services.uow() as uow:
        account = uow.identity.account_by_email("xss.seeker@example.org")
    assert account is not None

    seeker = tabs(Person(account))
    seeker.visit("/account", typed_in["#name"])
    assert seeker.page.locator(".who a").inner_text().endswith(typed_in["#name"])  # the header names who is signed in
    seeker.visit("/account/profile")
    profile = {
        "#headline": typed("Headline", SHORT),
        "#region": SVG,
        "#phone": IMG,
        "#address": f"{TEXTAREA}\n{SCRIPT}\n{TEMPLATE}",
        "#national_id": SVG,
    }
    for selector, value in {**profile, "#headline": EVERY}.items():
        seeker.page.fill(selector, value)
    seeker.submit("Save the profile", 422)  # the headline is too long: everything comes back as typed
    seeker.check("A headline has at most 200 characters.")
    assert {selector: seeker.value(selector) for selector in profile} == {**profile, "#headline": EVERY}
    seeker.page.fill("#headline", profile["#headline"])
    seeker.submit("Save the profile", 200)
    seeker.check("Your profile is saved.")
    assert {selector: seeker.value(selector) for selector in profile} == profile

    seeker.visit("/account/consents")
    seeker.page.check("#grantee-client")
    seeker.page.fill("#client_id", IMG)
    seeker.page.fill("#purpose", typed("Purpose", EVERY))
    seeker.submit("Give the consent", 422)
    seeker.check()
    assert (seeker.value("#client_id"), seeker.value("#purpose")) == (IMG, typed("Purpose", EVERY))
    seeker.page.check("#grantee")
    seeker.page.check("#data")
    seeker.submit("Give the consent", 200)
    seeker.check(typed("Purpose", EVERY))

    counsellor = make_account(site.services, Role.COUNSELLOR, "Counsellor Reads")
    with site.services.uow() as uow:
        stored = uow.people.seeker_of_account(account.id)
    assert stored is not None
    reason = typed("Read for", EVERY)
    people.read_seeker(
        uow=site.services.uow(),
        protection=site.services.protection,
        actor=counsellor.principal,
        seeker_id=stored.id,
        purpose=reason,
        now=site.services.now(),
    )
    seeker.visit("/account/activity", reason, "Consent given")
    seeker.visit("/account/data", "xss.seeker@example.org")
    seeker.visit("/account/security")


def test_the_review_and_moderation_queues_show_payloads_of_adverts_and_decisions_as_text(
    site: Site, tabs: Opener
) -> None:
    scam_title = typed("Typing from home", SHORT)
    ingest(site.services, "board-q", [{**SCAM, "external_id": "S-2", "title": scam_title, "description": SCAM_TEXT}])
    tab = tabs(make_account(site.services, Role.COUNSELLOR, "Queue Counsellor"))
    tab.visit("/review", TITLE)
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name=TITLE, exact=True).first.click()
    tab.check(TITLE)
    assert TITLE in tab.page.title()
    tab.page.fill("#other", EVERY)
    tab.submit("Save the decision", 422)
    tab.check(*UNQUOTED)
    assert tab.value("#other") == EVERY
    tab.visit(f"/review?{urlencode({'decided': EVERY})}")
    tab.visit(f"/review/{quote(SHORT, safe='')}", status=404)

    tab.visit("/moderation", scam_title, "registration fee")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name=scam_title, exact=True).first.click()
    tab.check(scam_title, f"{SCRIPT} registration fee")  # the advert's words around the evidence
    note = f"{TEXTAREA}\n{EVERY}"
    tab.page.fill("#note", note)
    tab.submit("Save the decision", 422)  # no decision chosen: the note comes back as typed
    tab.check()
    assert tab.value("#note") == note
    tab.page.check("#decision-legitimate")
    tab.submit("Save the decision", 200)
    tab.check("Your decision was saved.", scam_title)
    tab.visit(f"/moderation?{urlencode({'decided': EVERY})}")
    tab.visit(f"/moderation/{quote(SHORT, safe='')}", status=404)


def test_administration_pages_show_payloads_of_accounts_audit_entries_and_api_clients_as_text(
    site: Site, tabs: Opener
) -> None:
    wrong_email = f"{IMG}@example.org"
    anonymous = tabs(None)
    anonymous.visit("/sign-in")
    anonymous.page.fill("#email", wrong_email)
    anonymous.page.fill("#password", EVERY)
    anonymous.submit("Sign in", 403)  # the failed sign-in is audited with the address typed
    anonymous.check()
    assert anonymous.value("#email") == wrong_email

    name = typed("Seeker", SHORT)
    seeker = make_account(site.services, Role.JOBSEEKER, name)
    profile = people.ProfileInput(headline="Porter", region=None, personal=PersonalData(phone="010"))
    people.save_profile(
        uow=site.services.uow(),
        protection=site.services.protection,
        actor=seeker.principal,
        profile=profile,
        now=site.services.now(),
    )
    reader = make_account(site.services, Role.COUNSELLOR, "Audited Reader")
    with site.services.uow() as uow:
        stored = uow.people.seeker_of_account(seeker.account.id)
    assert stored is not None
    reason = typed("Read for", SHORT)
    people.read_seeker(
        uow=site.services.uow(),
        protection=site.services.protection,
        actor=reader.principal,
        seeker_id=stored.id,
        purpose=reason,
        now=site.services.now(),
    )

    admin = tabs(make_account(site.services, Role.ADMIN, "Audit Admin"))
    admin.visit(f"/admin/accounts?{urlencode({'q': IMG})}", name, seeker.account.email)
    assert admin.value("#q") == IMG
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name=name, exact=True).click()
    admin.check(name, seeker.account.email)
    assert name in admin.page.title()
    admin.page.fill("#region", SVG)
    admin.page.fill("#partner", IMG)
    admin.page.fill("#employer_id", TEMPLATE)
    admin.submit("Save role and region", 200)
    admin.check("The role and region were changed.", f"region={SVG}}}")  # the audit entry's details
    admin.visit(f"{admin.page.url.split('?')[0]}?{urlencode({'done': EVERY})}", name)
    admin.visit(f"/admin/accounts/{quote(SHORT, safe='')}", status=404)
    admin.visit("/admin/accounts/new")
    created = {"#email": IMG, "#name": typed("Staff", SHORT), "#region": SVG, "#partner": TEMPLATE}
    for selector, value in created.items():
        admin.page.fill(selector, value)
    admin.page.select_option("#role", "counsellor")
    admin.submit("Create the account", 422)
    admin.check()
    assert {selector: admin.value(selector) for selector in created} == created

    admin.visit("/admin/audit", f"email:{wrong_email}", reason)
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name=f"email:{wrong_email}").first.click()  # a link made of the typed address
    admin.check(f"email:{wrong_email}", "sign_in_failed")
    assert admin.value("#target") == f"email:{wrong_email}"
    admin.visit(f"/admin/audit?{urlencode({'actor': EVERY, 'target': EVERY, 'action': EVERY})}", "No entries match.")
    assert [admin.value(f"#{box}") for box in ("actor", "target", "action")] == [EVERY] * 3

    admin.visit("/account/clients/new")
    client = {
        "#name": typed("Client", SHORT),
        "#sources": f"{SVG}, {IMG}",
        "#purpose": typed("Purpose", EVERY),
        "#redirect_uris": f"{JS_URL}\n{TEXTAREA}",
    }
    for selector, value in client.items():
        admin.page.fill(selector, value)
    admin.page.locator("input[name=scopes]").first.check()
    admin.submit("Register the client", 422)
    admin.check("cannot name a source")  # a source name is letters, digits and . _ - only
    assert {selector: admin.value(selector) for selector in client} == client
    client["#sources"] = "board-a, board-b"
    admin.page.fill("#sources", client["#sources"])
    admin.submit("Register the client", 422)
    admin.check(f"'{JS_URL}': a redirect address uses https")
    assert {selector: admin.value(selector) for selector in client} == client
    callback = f"https://example.org/callback?from={IMG}"
    admin.page.fill("#redirect_uris", callback)
    admin.submit("Register the client", 200)
    admin.check(client["#name"])
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name="I have copied it: go to the client").click()
    admin.check(client["#name"], client["#purpose"], client["#sources"])
    client_page = admin.page.url
    admin.visit("/account/clients", client["#name"], client["#sources"])
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name=client["#name"], exact=True).click()
    admin.check(client["#name"])
    admin.visit(f"{client_page}?{urlencode({'done': EVERY})}", client["#name"])
    admin.visit(f"/account/clients/{quote(SHORT, safe='')}", status=404)
    anonymous.visit(f"/admin/audit?{urlencode({'target': EVERY})}", status=403)

    asked = {
        "client_id": client_page.rsplit("/", 1)[1],
        "redirect_uri": callback,
        "response_type": "code",
        "scope": "openid profile email",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        "state": EVERY,
        "nonce": SHORT,
    }
    consent = tabs(seeker)
    consent.visit(f"/oauth/authorize?{urlencode(asked)}", f"{client['#name']} wants to sign you in", name)
    assert consent.value("input[name=state]") == EVERY
    assert consent.value("input[name=nonce]") == SHORT


def test_next_addresses_and_flash_parameters_from_the_query_stay_text_and_never_lead_to_a_script(
    site: Site, tabs: Opener
) -> None:
    tab = tabs(None)
    here = f"/{SCRIPT}{IMG}"
    tab.visit(f"/sign-in?{urlencode({'next': here})}")
    assert tab.value("main input[name=next]") == here
    tab.visit(f"/sign-in?{urlencode({'next': JS_URL})}")
    assert tab.value("main input[name=next]") == "/account"
    person = make_account(site.services, Role.JOBSEEKER, "Next Reader")
    tab.page.fill("#email", person.account.email)
    tab.page.fill("#password", PASSWORD)
    tab.page.locator("main input[name=next]").evaluate("(input, target) => { input.value = target; }", JS_URL)
    tab.submit("Sign in", 200)  # a javascript: address posted as where to go next
    tab.check("Next Reader")
    assert tab.page.url == f"{site.url}/account"
    for target in (JS_URL, "//example.org", f"/\\{SCRIPT}", "java\nscript:window.__xss=1"):
        tab.page.goto(f"/language?{urlencode({'lang': 'en', 'next': target})}")
        tab.check()
        assert tab.page.url.startswith(f"{site.url}/"), target  # stays on this site, never a javascript: page

    tab.visit("/account/password/forgot")
    tab.page.fill("#email", f"{IMG}@example.org")
    tab.submit("Send the link", 200)
    tab.check(f"If {IMG}@example.org belongs to an account")
    tab.visit(f"/account/reset?{urlencode({'token': EVERY})}")
    assert tab.value("input[name=token]") == EVERY
    tab.visit(f"/account/verify?{urlencode({'token': EVERY})}", "This link does not work", status=400)

    seeker = tabs(person)
    seeker.visit(f"/account?{urlencode({'sent': EVERY, 'mfa_off': EVERY, 'lang': EVERY})}")
    seeker.visit(f"/account/profile?{urlencode({'saved': EVERY})}")
    seeker.visit(f"/account/security/setup?{urlencode({'next': JS_URL})}")
    assert seeker.value("main input[name=next]") == "/account"
    seeker.visit(f"/account/security/setup?{urlencode({'next': here})}")
    assert seeker.value("main input[name=next]") == here


def test_the_work_pages_show_payloads_of_profiles_adverts_cvs_and_hidden_employers_as_text(
    site: Site, tabs: Opener
) -> None:
    with site.services.uow() as uow:
        advert = uow.jobs.get(posting_id("board-a", "X-1"))
        assert advert is not None
        coded = advert.derived["occupation"]
        assert isinstance(coded, dict)
        occupation = uow.taxonomy.refs([str(coded["concept_id"])])[str(coded["concept_id"])]
    person = make_account(site.services, Role.JOBSEEKER, "Work Reader")
    seeker = tabs(person)
    seeker.visit("/account/profile")
    fields = {
        "#headline": typed("Work headline", SHORT),
        "#region": "KR-11",
        "#occupation-0": occupation.label,
        "#skill-0": SHORT,
        "#job_title-0": typed("Job", SHORT),
        "#job_employer-0": typed("Employer", SHORT),
        "#job_description-0": f"{TEXTAREA}\n{EVERY}",
        "#edu_field-0": typed("Field", SHORT),
        "#edu_institution-0": typed("School", SHORT),
        "#cert_name-0": typed("Certificate", SHORT),
        "#cert_issuer-0": typed("Issuer", SHORT),
    }
    for selector, value in fields.items():
        seeker.page.fill(selector, value)
    seeker.page.select_option("#edu_level-0", "6")
    seeker.page.check("#findable")
    seeker.submit("Save the profile", 422)  # no skill has that name: everything comes back as typed
    seeker.check("No skill has exactly this name.")
    assert {selector: seeker.value(selector) for selector in fields} == fields
    seeker.page.fill("#skill-0", "")
    seeker.submit("Save the profile", 200)
    seeker.check("Your profile is saved.")
    assert {selector: seeker.value(selector) for selector in fields} == {**fields, "#skill-0": ""}

    seeker.visit("/me/recommendations", TITLE, EMPLOYER)
    with seeker.page.expect_navigation():
        seeker.page.get_by_role("link", name=f"Why this job: {TITLE}", exact=True).first.click()
    seeker.check(TITLE, EMPLOYER)
    seeker.visit("/me/recommendations")
    seeker.page.get_by_label(f"Reason to dismiss: {TITLE}").select_option("employer")
    seeker.page.get_by_role("button", name=f"Dismiss: {TITLE}").click()
    seeker.page.wait_for_url("**/me/recommendations?done=dismiss")
    seeker.check("The job is dismissed")
    assert seeker.page.get_by_role("button", name="Show again:").count() == 1  # the hidden employer, named as text
    seeker.visit("/me/training")
    seeker.visit("/me/careers")

    cv = f"{typed('Name', SHORT)}\n\nExperience\n{typed('Nurse', SHORT)}, {SVG}, 2019 - 2024\n{EVERY}\n"
    seeker.visit("/account/profile")
    upload: FilePayload = {"name": "cv.txt", "mimeType": "text/plain", "buffer": cv.encode()}
    seeker.page.set_input_files("#file", files=[upload])
    seeker.submit("Read my CV", 200)
    seeker.check("We read your CV cv.txt into the form below.")
    assert SVG in seeker.value("#job_title-0") + seeker.value("#job_employer-0")

    counsellor = tabs(make_account(site.services, Role.COUNSELLOR, "Work Counsellor"))
    counsellor.visit("/seekers", fields["#headline"])
    with counsellor.page.expect_navigation():
        counsellor.page.get_by_role("link", name=f"Jobs for them: {fields['#headline']}", exact=True).click()
    counsellor.check("You see the jobs recommended to this person.")  # the advert was dismissed, its employer hidden
    counsellor.visit(f"/employers/postings/{posting_id('board-a', 'X-1')}/candidates", fields["#headline"])
