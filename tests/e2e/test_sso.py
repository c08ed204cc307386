"""Single sign-on over real HTTP: a partner service signs people in through LMIS, and LMIS through an e-ID.

Every party is a real server on 127.0.0.1: LMIS; a partner service (a training portal) whose
OpenID Connect client is authlib's, checking ID tokens with joserfc; and, as the national e-ID,
a second LMIS instance. The browser is httpx with a cookie jar per site, as browsers keep
cookies per host and here every site shares the host 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from tests.conftest import EMBEDDING_CACHE, SAMPLE_TAXONOMY
from tests.e2e.conftest import free_port, serve, serve_app
from tests.identities import Person, make_account, session_cookie

from lmis.bootstrap import Services, build
from lmis.config import Settings
from lmis.identity import clients
from lmis.identity import services as accounts
from lmis.identity.model import Account, AccountStatus, Role, Scope
from lmis.identity.oidc import s256
from lmis.web.csrf import SESSION_COOKIE

SCOPES = "openid profile email"


def lmis_at(folder: Path, database_url: str, port: int, **settings: Any) -> Services:
    """Migrated LMIS services whose public address (the issuer) is http://127.0.0.1:<port>."""
    config = Settings(
        env="test",
        data_dir=folder / "data",
        database_url=database_url,
        taxonomy_dir=SAMPLE_TAXONOMY,
        cache_dir=EMBEDDING_CACHE,
        public_url=f"http://127.0.0.1:{port}",
        **settings,
    )
    services = build(config)
    services.upgrade_database()
    return services


def partner_admin(services: Services) -> Person:
    return make_account(services, Role.PARTNER_ADMIN, "Training portal admin", partner="training-portal")


def relying_party(
    services: Services, admin: Person, redirect_uri: str, *, confidential: bool = True
) -> clients.Registered:
    """A partner's client registered by `admin` for single sign-on (and open data, for client credentials)."""
    request = clients.ClientRequest(
        name="Seoul training portal",
        scopes=frozenset({Scope.OPEN_DATA}),
        purpose="signs people in to book training courses",
        redirect_uris=(redirect_uri,),
        confidential=confidential,
    )
    return clients.register_client(uow=services.uow(), actor=admin.principal, request=request, now=services.now())


class Browser:
    """httpx that follows no redirect by itself and keeps one cookie jar per site (scheme, host and port)."""

    def __init__(self) -> None:
        self._sites: dict[str, httpx.Client] = {}

    def site(self, url: str) -> httpx.Client:
        origin = urlsplit(url).netloc
        if origin not in self._sites:
            self._sites[origin] = httpx.Client(follow_redirects=False, timeout=30)
        return self._sites[origin]

    def get(self, url: str) -> httpx.Response:
        return self.site(url).get(url)

    def post(self, url: str, data: dict[str, str]) -> httpx.Response:
        return self.site(url).post(url, data=data)

    def sign_in(self, base_url: str, services: Services, person: Person) -> None:
        """Give this browser a fully signed-in session of `person` at the LMIS at `base_url`."""
        self.site(base_url).cookies.set(SESSION_COOKIE, session_cookie(services, person))

    def close(self) -> None:
        for client in self._sites.values():
            client.close()


@contextmanager
def running(server: Iterator[str]) -> Iterator[str]:
    """A `serve` generator as a context manager: its base URL while the block runs, stopped after."""
    try:
        yield next(server)
    finally:
        next(server, None)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with contextlib.closing(Browser()) as opened:
        yield opened


def consent_form(page: httpx.Response) -> dict[str, str]:
    """The hidden fields of the consent page's form (the request, and the CSRF token)."""
    assert page.status_code == 200, page.text
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    return {name: html.unescape(value) for name, value in fields}


def query_of(response: httpx.Response) -> dict[str, str]:
    """The query of a redirect's Location, one value a name."""
    assert response.status_code in {302, 303}, response.text
    return {name: values[0] for name, values in parse_qs(urlsplit(response.headers["location"]).query).items()}


async def public_json(url: str) -> Any:
    """A public document (discovery, keys): fetched without the access token the OAuth client would attach."""
    async with httpx.AsyncClient() as http:
        return (await http.get(url)).json()


@dataclass
class PartnerService:
    """A second service that signs people in through LMIS with authlib's OAuth 2 client, PKCE S256 and a nonce."""

    issuer: str
    client: clients.Registered
    base_url: str
    pending: dict[str, tuple[str, str]] = field(default_factory=dict)  # state -> (code verifier, nonce)
    signed_in: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/login", self.login), Route("/callback", self.callback)])

    def oauth(self, **options: Any) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            self.client.client.id,
            self.client.client_secret,
            scope=SCOPES,
            redirect_uri=f"{self.base_url}/callback",
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_post",
            **options,
        )

    async def login(self, request: Request) -> Response:
        verifier, nonce = generate_token(48), generate_token(20)
        async with self.oauth() as oauth:
            metadata = await public_json(f"{self.issuer}/.well-known/openid-configuration")
            url, state = oauth.create_authorization_url(
                metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
            )
        self.pending[state] = (verifier, nonce)
        return RedirectResponse(url, status_code=302)

    async def callback(self, request: Request) -> Response:
        state = request.query_params.get("state", "")
        verifier, nonce = self.pending.pop(state)
        metadata = await public_json(f"{self.issuer}/.well-known/openid-configuration")
        async with self.oauth(state=state) as oauth:
            token = await oauth.fetch_token(
                metadata["token_endpoint"], authorization_response=str(request.url), code_verifier=verifier
            )
            userinfo = (await oauth.get(metadata["userinfo_endpoint"])).json()
        keys = KeySet.import_key_set(await public_json(metadata["jwks_uri"]))
        id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": self.client.client.id},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(id_token.claims)
        learned = {"claims": id_token.claims, "userinfo": userinfo, "token": token, "verifier": verifier}
        self.signed_in.append({**learned, "code": request.query_params["code"]})
        return PlainTextResponse(f"signed in as {id_token.claims['email']}")


@dataclass(frozen=True)
class Provider:
    """A running LMIS with a signed-in person, a public and a confidential relying party at `CALLBACK`."""

    services: Services
    url: str
    person: Person
    admin: Person
    public: clients.Registered
    confidential: clients.Registered


CALLBACK = "http://127.0.0.1:9/callback"  # nothing listens there: the browser never follows it


@pytest.fixture
def provider(tmp_path: Path, database_url: str, browser: Browser) -> Iterator[Provider]:
    port = free_port()
    services = lmis_at(tmp_path, database_url, port)
    admin = partner_admin(services)
    public = relying_party(services, admin, CALLBACK, confidential=False)
    confidential = relying_party(services, admin, CALLBACK)
    person = make_account(services, Role.JOBSEEKER, "Min-jun Kim")
    with running(serve(services, port)) as url:
        browser.sign_in(url, services, person)
        yield Provider(services, url, person, admin, public, confidential)
    services.engine.dispose()


@pytest.fixture
def partner(provider: Provider) -> Iterator[PartnerService]:
    """The training portal, registered at the provider for its own callback and serving."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    service = PartnerService(
        provider.url, relying_party(provider.services, provider.admin, f"{base_url}/callback"), base_url
    )
    with running(serve_app(service.app(), port)):
        yield service


def sign_in_to_partner(browser: Browser, provider: Provider, partner: PartnerService) -> httpx.Response:
    """The browser's round: the partner's sign-in link, LMIS's consent page, Allow, the partner's callback."""
    to_lmis = browser.get(f"{partner.base_url}/login")
    page = browser.get(to_lmis.headers["location"])
    back = browser.post(f"{provider.url}/oauth/authorize", {**consent_form(page), "decision": "allow"})
    assert back.headers["location"].startswith(f"{partner.base_url}/callback?"), back.text
    return browser.get(back.headers["location"])


def test_a_partner_service_signs_a_person_in_through_lmis_with_authlib_and_learns_who_they_are(
    provider: Provider, partner: PartnerService, browser: Browser
) -> None:
    person = provider.person.account
    authorize = browser.get(f"{partner.base_url}/login").headers["location"]
    anonymous = httpx.get(authorize)  # no session: to the sign-in page, which comes back here
    assert query_of(anonymous)["next"] == authorize.removeprefix(provider.url)
    page = browser.get(authorize)
    assert "Seoul training portal wants to sign you in" in page.text
    assert person.email in page.text
    assert page.headers["x-frame-options"] == "DENY"

    signed_in = sign_in_to_partner(browser, provider, partner)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.text == f"signed in as {person.email}"
    learned = partner.signed_in[-1]
    assert (learned["claims"]["sub"], learned["claims"]["email_verified"]) == (person.id, True)
    assert learned["userinfo"] == {"sub": person.id, "email": person.email, "email_verified": True, "name": person.name}
    with provider.services.uow() as uow:
        actions = [entry.action for entry in uow.identity.audit(target=f"account:{person.id}")]
    assert {"sso_authorized", "sso_sign_in"} <= set(actions)


def test_the_partners_access_token_reads_userinfo_only_and_its_code_cannot_be_used_twice(
    provider: Provider, partner: PartnerService, browser: Browser
) -> None:
    sign_in_to_partner(browser, provider, partner)
    learned = partner.signed_in[-1]
    access = {"Authorization": f"Bearer {learned['token']['access_token']}"}
    assert httpx.get(f"{provider.url}/oauth/userinfo", headers=access).json()["sub"] == provider.person.account.id
    assert httpx.post(f"{provider.url}/oauth/userinfo", headers=access).status_code == 200
    assert httpx.get(f"{provider.url}/api/v1/health", headers=access).status_code == 401

    form = {"grant_type": "authorization_code", "code": learned["code"], "code_verifier": learned["verifier"]}
    secret = {"client_id": partner.client.client.id, "client_secret": partner.client.client_secret or ""}
    replayed = httpx.post(
        f"{provider.url}/oauth/token", data={**form, **secret, "redirect_uri": f"{partner.base_url}/callback"}
    )
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")
    assert replayed.headers["cache-control"] == "no-store"


def authorize_url(provider: Provider, challenge: str, **extra: str) -> str:
    """An authentication request of the public client for `CALLBACK` with state, nonce and PKCE S256."""
    query = {"response_type": "code", "client_id": provider.public.client.id, "redirect_uri": CALLBACK}
    query |= {"scope": SCOPES, "state": "st-123", "nonce": "n-456", "code_challenge": challenge}
    return f"{provider.url}/oauth/authorize?{urlencode({**query, 'code_challenge_method': 'S256', **extra})}"


def test_requests_with_an_unregistered_redirect_plain_pkce_or_no_openid_scope_are_refused(
    provider: Provider, browser: Browser
) -> None:
    challenge = s256(generate_token(64))
    evil = browser.get(authorize_url(provider, challenge, redirect_uri="http://127.0.0.1:9/evil"))
    assert (evil.status_code, "location" in evil.headers) == (400, False)
    assert "is not a redirect address registered" in html.unescape(evil.text)

    plain = query_of(browser.get(authorize_url(provider, generate_token(43), code_challenge_method="plain")))
    assert (plain["error"], plain["state"], plain["iss"]) == ("invalid_request", "st-123", provider.url)
    assert "plain is refused" in plain["error_description"]
    no_pkce = browser.get(authorize_url(provider, "", code_challenge_method=""))
    assert query_of(no_pkce)["error"] == "invalid_request"
    no_openid = browser.get(authorize_url(provider, challenge, scope="profile email"))
    assert query_of(no_openid)["error"] == "invalid_scope"
    silent = browser.get(authorize_url(provider, challenge, prompt="none"))
    assert query_of(silent)["error"] == "consent_required"

    page = browser.get(authorize_url(provider, challenge))
    denied = browser.post(f"{provider.url}/oauth/authorize", {**consent_form(page), "decision": "deny"})
    assert query_of(denied) == {"error": "access_denied", "state": "st-123", "iss": provider.url}


def test_a_public_client_proves_its_code_with_the_pkce_verifier_and_a_wrong_one_spends_the_code(
    provider: Provider, browser: Browser
) -> None:
    verifier = generate_token(64)

    def code() -> str:
        page = browser.get(authorize_url(provider, s256(verifier)))
        allowed = browser.post(f"{provider.url}/oauth/authorize", {**consent_form(page), "decision": "allow"})
        return query_of(allowed)["code"]

    def exchange(code: str, verifier: str, **extra: str) -> httpx.Response:
        form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier, "redirect_uri": CALLBACK}
        return httpx.post(f"{provider.url}/oauth/token", data={**form, "client_id": provider.public.client.id, **extra})

    spent = code()
    wrong = exchange(spent, generate_token(64))
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert exchange(spent, verifier).json()["error"] == "invalid_grant"
    assert exchange(code(), verifier, client_secret="guess").status_code == 401  # a public client has no secret

    tokens = exchange(code(), verifier)
    assert tokens.status_code == 200, tokens.text
    keys = KeySet.import_key_set(httpx.get(f"{provider.url}/oauth/jwks").json())
    claims = jwt.decode(tokens.json()["id_token"], keys, algorithms=["RS256"]).claims
    expected = (provider.url, provider.public.client.id, provider.person.account.id, "n-456")
    assert (claims["iss"], claims["aud"], claims["sub"], claims["nonce"]) == expected
    assert claims["exp"] - claims["iat"] == 600


def test_client_credentials_at_the_token_endpoint_give_a_bearer_token_for_the_open_api(provider: Provider) -> None:
    token_url, client_id = f"{provider.url}/oauth/token", provider.confidential.client.id
    no_secret = httpx.post(token_url, data={"grant_type": "client_credentials", "client_id": client_id})
    assert (no_secret.status_code, no_secret.json()["error"]) == (401, "invalid_client")
    secret = provider.confidential.client_secret or ""
    machine = httpx.post(
        token_url, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    assert machine.status_code == 200, machine.text
    assert (machine.json()["token_type"], "id_token" in machine.json()) == ("Bearer", False)
    bearer = {"Authorization": f"Bearer {machine.json()['access_token']}"}
    assert httpx.get(f"{provider.url}/api/v1/health", headers=bearer).status_code == 200
    assert httpx.post(token_url, data={"grant_type": "password"}).json()["error"] == "unsupported_grant_type"


def test_a_confidential_client_may_authenticate_with_http_basic_at_the_token_endpoint(provider: Provider) -> None:
    credentials = (provider.confidential.client.id, provider.confidential.client_secret or "")
    answer = httpx.post(f"{provider.url}/oauth/token", data={"grant_type": "client_credentials"}, auth=credentials)
    assert answer.status_code == 200, answer.text


@dataclass(frozen=True)
class EidPair:
    """LMIS configured to sign people in with an e-ID, and the e-ID (a second LMIS instance), both running."""

    lmis: Services
    lmis_url: str
    e_id: Services
    e_id_url: str


@pytest.fixture
def e_id_pair(tmp_path: Path, database_url: str) -> Iterator[EidPair]:
    lmis_port = free_port()
    e_id_port = next(port for port in iter(free_port, None) if port != lmis_port)  # neither listens yet
    e_id = lmis_at(tmp_path / "e-id", f"sqlite:///{tmp_path / 'e-id.db'}", e_id_port)
    callback = f"http://127.0.0.1:{lmis_port}/sign-in/external/callback"
    registered = relying_party(e_id, partner_admin(e_id), callback)
    lmis = lmis_at(
        tmp_path / "lmis",
        database_url,
        lmis_port,
        external_oidc_issuer=f"http://127.0.0.1:{e_id_port}",
        external_oidc_client_id=registered.client.id,
        external_oidc_client_secret=registered.client_secret,
    )
    with running(serve(lmis, lmis_port)) as lmis_url, running(serve(e_id, e_id_port)) as e_id_url:
        yield EidPair(lmis, lmis_url, e_id, e_id_url)
    lmis.engine.dispose()
    e_id.engine.dispose()


def e_id_round(browser: Browser, pair: EidPair) -> httpx.Response:
    """Sign in at LMIS with the e-ID: LMIS -> the e-ID's consent page -> Allow -> LMIS's callback."""
    to_e_id = browser.get(f"{pair.lmis_url}/sign-in/external?next=/jobs")
    assert to_e_id.headers["location"].startswith(f"{pair.e_id_url}/oauth/authorize?"), to_e_id.text
    consent = browser.get(to_e_id.headers["location"])
    back = browser.post(f"{pair.e_id_url}/oauth/authorize", {**consent_form(consent), "decision": "allow"})
    assert back.headers["location"].startswith(f"{pair.lmis_url}/sign-in/external/callback?")
    return browser.get(back.headers["location"])


def signed_in_account(services: Services, response: httpx.Response) -> Account:
    """The account whose session the response's cookie opened, checked to be set as the sign-in page sets it."""
    assert response.status_code == 303, response.text
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith(f"{SESSION_COOKIE}="))
    assert {"httponly", "samesite=lax", "path=/"} <= {part.strip().lower() for part in cookie.split(";")}
    value = cookie.split(";")[0].split("=", 1)[1]
    found = accounts.session_account(uow=services.uow(), cookie=value, now=services.now())
    assert found is not None
    return found[1]


def test_a_person_signs_in_to_lmis_with_a_national_e_id_and_is_found_again_the_next_time(
    e_id_pair: EidPair, browser: Browser
) -> None:
    citizen = make_account(e_id_pair.e_id, Role.JOBSEEKER, "Ji-woo Park")
    browser.sign_in(e_id_pair.e_id_url, e_id_pair.e_id, citizen)
    first = e_id_round(browser, e_id_pair)
    assert first.headers["location"] == "/jobs"
    account = signed_in_account(e_id_pair.lmis, first)
    assert (account.email, account.name, account.role) == (citizen.account.email, "Ji-woo Park", Role.JOBSEEKER)
    assert (account.email_verified, account.status) == (True, AccountStatus.ACTIVE)
    with e_id_pair.lmis.uow() as uow:
        assert uow.identity.account_by_subject(f"{e_id_pair.e_id_url} {citizen.account.id}") == account
        assert uow.identity.password_hash(account.id) is None

    assert signed_in_account(e_id_pair.lmis, e_id_round(browser, e_id_pair)).id == account.id
    replayed = browser.get(f"{e_id_pair.lmis_url}/sign-in/external/callback?code=x&state=y")
    assert replayed.status_code == 400  # the sealed state cookie went with the sign-in it served
    with e_id_pair.lmis.uow() as uow:
        actions = [entry.action for entry in uow.identity.audit(target=f"account:{account.id}")]
    assert actions.count("external_sign_in") == 2


def test_an_lmis_account_with_the_address_the_e_id_vouches_for_is_linked_not_duplicated(
    e_id_pair: EidPair, browser: Browser
) -> None:
    citizen = make_account(e_id_pair.e_id, Role.JOBSEEKER, "Dewi Lestari")
    existing = replace(citizen.account, id="lmisdewi0001", created_at=e_id_pair.lmis.now())
    with e_id_pair.lmis.uow() as uow:
        uow.identity.add_account(existing, None, e_id_pair.lmis.now())
        uow.commit()
    browser.sign_in(e_id_pair.e_id_url, e_id_pair.e_id, citizen)
    assert signed_in_account(e_id_pair.lmis, e_id_round(browser, e_id_pair)).id == "lmisdewi0001"
