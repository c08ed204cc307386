"""Delivering the outbox: mail written by account use cases leaves after their transaction committed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from lmis.identity.ports import IdentityUnitOfWork, Mail

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


def deliver_outbox(*, uow: IdentityUnitOfWork, mailer: Mailer, now: Callable[[], datetime]) -> int:
    """Send every unsent message; one that fails stays in the outbox for the next round. Returns how many went."""
    with uow:
        pending = uow.identity.unsent_mail()
    sent = []
    for mail in pending:
        try:
            mailer.send(mail)
        except OSError:
            logger.exception("mail %s to %s not sent; it stays in the outbox", mail.id, mail.recipient)
            continue
        sent.append(mail.id)
    if sent:
        with uow:
            uow.identity.mark_sent(sent, now())
            uow.commit()
    return len(sent)
