"""/api/v1 access management: institutions' API clients, keys and usage; accounts and the audit log (administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from lmis.identity import admin, clients
from lmis.identity import services as accounts
from lmis.identity.audit import audit_log
from lmis.identity.model import Role
from lmis.identity.ports import AccountFilter
from lmis.web.api.identity_schemas import (
    AccessIn,
    AccountOut,
    AccountPageOut,
    AuditEntryOut,
    ClientDetailOut,
    ClientIn,
    ClientOut,
    KeyOut,
    NewAccountIn,
    NewKeyOut,
    RegisteredOut,
    UsageDayOut,
)
from lmis.web.auth import SignedInDep
from lmis.web.deps import ServicesDep
from lmis.web.problems import problem_responses

router = APIRouter(tags=["access"])
_SIGNED_IN = problem_responses(401, 403)


@router.post(
    "/clients",
    response_model=RegisteredOut,
    status_code=status.HTTP_201_CREATED,
    summary="Register an API client",
    responses={**_SIGNED_IN, **problem_responses(422)},
)
def register(body: ClientIn, services_: ServicesDep, principal: SignedInDep) -> RegisteredOut:
    """Register a client for your institution (partner administrators, administrators).

    The answer holds the API key (and client secret) once: only their hashes are stored.
    """
    request = clients.ClientRequest(
        name=body.name,
        scopes=frozenset(body.scopes),
        purpose=body.purpose,
        sources=frozenset(s.strip() for s in body.sources if s.strip()),
        quota_per_day=body.quota_per_day,
        rate_per_minute=body.rate_per_minute,
        redirect_uris=tuple(body.redirect_uris),
        confidential=body.confidential,
    )
    registered = clients.register_client(uow=services_.uow(), actor=principal, request=request, now=services_.now())
    return RegisteredOut(
        client=ClientOut.of(registered.client), api_key=registered.api_key, client_secret=registered.client_secret
    )


@router.get("/clients", response_model=list[ClientOut], summary="My API clients", responses=_SIGNED_IN)
def list_clients(services_: ServicesDep, principal: SignedInDep) -> list[ClientOut]:
    return [ClientOut.of(c) for c in clients.my_clients(uow=services_.uow(), actor=principal)]


@router.get(
    "/clients/{client_id}",
    response_model=ClientDetailOut,
    summary="One API client with its keys and usage",
    responses={**_SIGNED_IN, **problem_responses(404)},
)
def client_detail(client_id: str, services_: ServicesDep, principal: SignedInDep) -> ClientDetailOut:
    """The client, its keys (ids only) and its requests and refusals a day for 30 days."""
    client, keys = clients.client_keys(uow=services_.uow(), actor=principal, client_id=client_id)
    _, usage = clients.client_usage(
        uow=services_.uow(), actor=principal, client_id=client_id, today=services_.now().date()
    )
    return ClientDetailOut(
        client=ClientOut.of(client), keys=[KeyOut.of(k) for k in keys], usage=[UsageDayOut.of(u) for u in usage]
    )


@router.post(
    "/clients/{client_id}/keys",
    response_model=NewKeyOut,
    status_code=status.HTTP_201_CREATED,
    summary="Issue another key",
    responses={**_SIGNED_IN, **problem_responses(404)},
)
def issue_key(client_id: str, services_: ServicesDep, principal: SignedInDep) -> NewKeyOut:
    """A new key for the client (to rotate: issue, deploy it, revoke the old one)."""
    return NewKeyOut(
        api_key=clients.new_key(uow=services_.uow(), actor=principal, client_id=client_id, now=services_.now())
    )


@router.delete(
    "/clients/{client_id}/keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a key",
    responses={**_SIGNED_IN, **problem_responses(404)},
)
def revoke_key(client_id: str, key_id: str, services_: ServicesDep, principal: SignedInDep) -> Response:
    clients.revoke_key(uow=services_.uow(), actor=principal, client_id=client_id, key_id=key_id, now=services_.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/clients/{client_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a client",
    responses={**_SIGNED_IN, **problem_responses(404)},
)
def revoke_client(client_id: str, services_: ServicesDep, principal: SignedInDep) -> Response:
    """Revoke the client: its keys and access tokens stop working at once."""
    clients.revoke_client(uow=services_.uow(), actor=principal, client_id=client_id, now=services_.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/admin/accounts", response_model=AccountPageOut, summary="Accounts", responses=_SIGNED_IN)
def list_accounts(
    services_: ServicesDep,
    principal: SignedInDep,
    q: Annotated[str, Query(max_length=200, description="Part of a name or e-mail address.")] = "",
    role: Role | None = None,
    region: Annotated[str | None, Query(max_length=64)] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AccountPageOut:
    """Accounts by name, role and region (administrators; a regional administrator sees their region)."""
    query = AccountFilter(text=q.strip(), role=role, region=region, limit=limit, offset=offset)
    found, total = admin.list_accounts(uow=services_.uow(), actor=principal, query=query)
    return AccountPageOut(items=[AccountOut.of(a) for a in found], total=total)


@router.post(
    "/admin/accounts",
    response_model=AccountOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses={**_SIGNED_IN, **problem_responses(409, 422)},
)
def create_account(body: NewAccountIn, services_: ServicesDep, principal: SignedInDep) -> AccountOut:
    """Create an account of any role; the person sets a password through the mailed link."""
    account = accounts.create_account(
        uow=services_.uow(),
        actor=principal,
        email=body.email,
        name=body.name,
        role=body.role,
        now=services_.now(),
        base_url=services_.settings.public_url,
        region=body.region,
        employer_id=body.employer_id,
        partner=body.partner,
    )
    services_.deliver_mail()
    return AccountOut.of(account)


@router.patch(
    "/admin/accounts/{account_id}",
    response_model=AccountOut,
    summary="Change an account's role, scope or status",
    responses={**_SIGNED_IN, **problem_responses(404, 409, 422)},
)
def change_account(account_id: str, body: AccessIn, services_: ServicesDep, principal: SignedInDep) -> AccountOut:
    """Set the role and regional scope (sessions end so it takes effect at once); disable or enable."""
    uow, now = services_.uow, services_.now()
    account = admin.change_access(
        uow=uow(),
        actor=principal,
        account_id=account_id,
        role=body.role,
        region=body.region,
        employer_id=body.employer_id,
        partner=body.partner,
        now=now,
    )
    if body.status is not None and body.status is not account.status:
        account = admin.set_status(uow=uow(), actor=principal, account_id=account_id, status=body.status, now=now)
    return AccountOut.of(account)


@router.get("/admin/audit", response_model=list[AuditEntryOut], summary="The audit log", responses=_SIGNED_IN)
def read_audit(
    services_: ServicesDep,
    principal: SignedInDep,
    actor: Annotated[str | None, Query(max_length=100, examples=["account:ab12cd34ef56"])] = None,
    target: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=48, examples=["personal_data_read"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only entries older than this id (page back).")
    ] = None,
) -> list[AuditEntryOut]:
    """Sign-ins, permission changes and accesses to personal data, newest first (national administrators)."""
    entries = audit_log(
        uow=services_.uow(), actor=principal, who=actor, target=target, action=action, limit=limit, before=before
    )
    return [AuditEntryOut.of(e) for e in entries]
