"""E-mail over SMTP (aiosmtplib), one connection reused while there is work.

Every message's ``Message-ID`` is derived from the outbox event's dedupe key:
in the one case where the same event can go out twice (the worker stopped
after the server accepted it and before the outbox recorded it, see
``delivery.worker``), both copies carry the same ``Message-ID``, which
receiving systems and mail clients use to drop the second.
"""

from __future__ import annotations

import hashlib
import logging
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol

import aiosmtplib

from delivery.errors import DeliveryError
from settings import Settings

log = logging.getLogger("gateway.delivery.email")


class Mailer(Protocol):
    """Sends one e-mail; raises ``DeliveryError`` when it was not sent."""

    async def send(self, to: str, subject: str, body: str, dedupe_key: str) -> None:
        """Send one message, or raise ``DeliveryError``."""

    async def close(self) -> None:
        """Drop any connection held between messages."""


def message_id(dedupe_key: str, domain: str) -> str:
    """``<digest@domain>``: the same key always gives the same ID (the key's
    digest, so the ID says nothing of the event or the recipient)."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def sender_domain(sender: str) -> str:
    """The domain of the ``From`` address (``localhost`` if it has none)."""
    _, address = parseaddr(sender)
    return address.rpartition("@")[2] or "localhost"


def build_message(
    sender: str, to: str, subject: str, body: str, dedupe_key: str
) -> EmailMessage:
    """A plain-text notification; marked automatic (RFC 3834) so that
    autoresponders do not answer it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = Address(addr_spec=to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(dedupe_key, sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def _failure(exc: Exception) -> DeliveryError:
    """The exception as a stored reason: permanent for a 5xx refusal of the
    recipient or the content; a refused sender or login is our configuration,
    retried (with back-off) until someone fixes it."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in exc.recipients]
        text = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        return DeliveryError(
            f"smtp recipient refused: {text}", permanent=all(c >= 500 for c in codes)
        )
    if isinstance(
        exc, aiosmtplib.SMTPSenderRefused | aiosmtplib.SMTPAuthenticationError
    ):
        return DeliveryError(
            f"smtp {exc.code} (sender or login refused): {exc.message}"
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryError(
            f"smtp {exc.code}: {exc.message}", permanent=exc.code >= 500
        )
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return DeliveryError("smtp timeout")
    if isinstance(exc, aiosmtplib.SMTPException | OSError):
        # connection refused, reset, closed: the class name is enough (the
        # text may name hosts and paths)
        return DeliveryError(f"smtp connection: {type(exc).__name__}")
    return DeliveryError(f"smtp: {type(exc).__name__}")


class SmtpMailer:
    """``settings.smtp_*``; connects on the first message and keeps the
    connection until ``close`` (the worker closes it when the queue is empty)
    or an error (the next message reconnects)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        s = self.settings
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=password,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout_seconds,
        )
        await client.connect()
        self._client = client
        return client

    async def send(self, to: str, subject: str, body: str, dedupe_key: str) -> None:
        try:
            message = build_message(
                self.settings.smtp_from, to, subject, body, dedupe_key
            )
        except (ValueError, MessageError) as exc:
            raise DeliveryError(
                f"not a valid message: {type(exc).__name__}", permanent=True
            ) from None
        try:
            client = await self._connected()
            await client.send_message(message)
        except Exception as exc:
            await self.close()
            raise _failure(exc) from None

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()
