"""An external OpenID Connect provider (a national e-ID) over HTTP: discovery, code exchange, ID token checks.

LMIS is the relying party here. The provider's metadata and keys are read from its discovery
document (OpenID Connect Discovery 1.0) and kept for `METADATA_SECONDS`; an ID token naming a
key id not in the cached set makes one fresh fetch (the provider rotated its keys).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lmis.shared.errors import LmisError, Unauthorised

METADATA_SECONDS = 3600.0
CLOCK_SKEW_SECONDS = 60  # leeway for exp, iat and nbf between the provider's clock and ours
_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")  # asymmetric only: a client secret never verifies a token


class ProviderUnavailable(LmisError):
    """The external provider could not be reached or answered something that is not OpenID Connect."""


class ExternalProvider:
    """The configured e-ID provider, with LMIS's client id and secret there."""

    def __init__(self, issuer: str, client_id: str, client_secret: str | None, *, timeout: float = 10.0) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self._timeout = timeout
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._read_at = -METADATA_SECONDS

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document, checked to be its own (Discovery §4.3) and cached."""
        with self._lock:
            if self._metadata is None or time.monotonic() - self._read_at > METADATA_SECONDS:
                found = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
                if found.get("issuer", "").rstrip("/") != self.issuer:
                    raise ProviderUnavailable(f"the discovery document of {self.issuer} names another issuer")
                missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - found.keys()
                if missing:
                    raise ProviderUnavailable(f"the discovery document lacks {', '.join(sorted(missing))}")
                self._metadata, self._keys, self._read_at = found, None, time.monotonic()
            return self._metadata

    def authorization_url(self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str) -> str:
        """Where to send the browser: an authentication request with PKCE (S256), state and nonce."""
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile email",
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        endpoint = str(self.metadata()["authorization_endpoint"])
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> str:
        """Trade the code for tokens at the token endpoint; returns the ID token (not yet verified)."""
        metadata = self.metadata()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        form["code_verifier"] = code_verifier
        auth: tuple[str, str] | None = None
        methods = metadata.get("token_endpoint_auth_methods_supported", ["client_secret_basic"])  # OIDC §9 default
        if self._secret is not None and "client_secret_basic" in methods:
            auth = (quote_plus(self.client_id), quote_plus(self._secret))  # form-encoded first (RFC 6749 §2.3.1)
        elif self._secret is not None:
            form.update(client_id=self.client_id, client_secret=self._secret)
        else:
            form["client_id"] = self.client_id
        answer = self._call("POST", str(metadata["token_endpoint"]), data=form, auth=auth)
        if answer.status_code != 200:
            error = _json(answer).get("error", f"HTTP {answer.status_code}")
            raise Unauthorised(f"the e-ID provider refused the sign-in code ({error})")
        id_token = _json(answer).get("id_token")
        if not isinstance(id_token, str):
            raise ProviderUnavailable("the e-ID provider's token response has no id_token")
        return id_token

    def verified_claims(self, id_token: str, *, nonce: str, now: datetime) -> dict[str, Any]:
        """The claims of an ID token whose signature, issuer, audience, expiry and nonce are right (OIDC §3.1.3.7)."""
        try:
            token = jwt.decode(id_token, self._key_set(id_token), algorithms=list(_ALGORITHMS))
        except (JoseError, ValueError) as error:
            raise Unauthorised(f"the e-ID provider's ID token does not verify: {error}") from None
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=CLOCK_SKEW_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(token.claims)
        except JoseError as error:
            raise Unauthorised(f"the e-ID provider's ID token is not for this sign-in: {error}") from None
        audience = token.claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and token.claims.get("azp") != self.client_id:
            raise Unauthorised("the e-ID provider's ID token was issued to another party (azp)")
        return dict(token.claims)

    def _key_set(self, id_token: str) -> KeySet:
        """The provider's keys, fetched again once when the token names a key id the cache lacks."""
        try:
            kid = jws.extract_compact(id_token.encode("ascii")).headers().get("kid")
        except (JoseError, ValueError):
            raise Unauthorised("the e-ID provider's ID token is not a compact JWT") from None
        with self._lock:
            keys = self._keys
        if keys is None or (kid is not None and not any(key.kid == kid for key in keys.keys)):
            keys = KeySet.import_key_set(self._get_json(str(self.metadata()["jwks_uri"])))  # type: ignore[arg-type]
            with self._lock:
                self._keys = keys
        return keys

    def _get_json(self, url: str) -> dict[str, Any]:
        answer = self._call("GET", url)
        if answer.status_code != 200:
            raise ProviderUnavailable(f"{url} answered HTTP {answer.status_code}")
        return _json(answer)

    def _call(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            return httpx.request(method, url, timeout=self._timeout, follow_redirects=False, **options)
        except httpx.HTTPError as error:
            raise ProviderUnavailable(f"the e-ID provider at {url} cannot be reached: {error}") from None


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        raise ProviderUnavailable(f"{answer.url} answered something that is not JSON") from None
    if not isinstance(body, Mapping):
        raise ProviderUnavailable(f"{answer.url} answered JSON that is not an object")
    return dict(body)
