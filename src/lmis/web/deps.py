"""Dependencies the web layer injects: the services built at start-up and a unit of work per request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lmis.bootstrap import Services
from lmis.storage.uow import SqlUnitOfWork


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _uow(request: Request) -> SqlUnitOfWork:
    return _services(request).uow()


ServicesDep = Annotated[Services, Depends(_services)]
UowDep = Annotated[SqlUnitOfWork, Depends(_uow)]
