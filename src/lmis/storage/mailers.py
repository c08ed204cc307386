"""Mail delivery adapters for the outbox: the server log, one file per message, or an SMTP server."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from lmis.identity.ports import Mail

logger = logging.getLogger("lmis.mail")


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = mail.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message.set_content(mail.body)
    return message


class ConsoleMailer:
    """Writes each message to the log (the default: a developer sees verification links in the server output)."""

    def __init__(self, sender: str) -> None:
        self._sender = sender

    def send(self, mail: Mail) -> None:
        logger.warning("mail to %s: %s\n%s", mail.recipient, mail.subject, mail.body)


class FileMailer:
    """Writes each message as an .eml file named by its outbox id."""

    def __init__(self, folder: Path, sender: str) -> None:
        self._folder = folder
        self._sender = sender

    def send(self, mail: Mail) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        (self._folder / f"{mail.id:08d}.eml").write_bytes(_message(mail, self._sender).as_bytes())


class SmtpMailer:
    """Sends through an SMTP server (STARTTLS on port 587)."""

    def __init__(self, host: str, port: int, sender: str) -> None:
        self._host, self._port, self._sender = host, port, sender

    def send(self, mail: Mail) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=30) as smtp:
            if self._port == 587:
                smtp.starttls()
            smtp.send_message(_message(mail, self._sender))
