"""Text messages: an adapter interface, the sandbox, and the choice by name.

A provider plugs in behind ``SmsAdapter``: ``GATEWAY_SMS_ADAPTER`` names
``sandbox`` or ``package.module:factory``, a callable taking the settings and
returning an adapter. ``send`` gets the outbox event's dedupe key: pass it as
the provider's idempotency key where the provider has one, so a send repeated
after a crash is dropped by the provider (the sandbox does exactly that).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Protocol, cast

import phonenumbers
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from db.models import SandboxSms
from delivery.errors import DeliveryError
from settings import Settings

log = logging.getLogger("gateway.delivery.sms")

SANDBOX = "sandbox"
#: Where a number without a country code is.
PHONE_REGION = "US"


class SmsAdapter(Protocol):
    """Sends one text; raises ``DeliveryError`` when it was not sent."""

    async def send(self, to: str, text: str, dedupe_key: str) -> None:
        """Send ``text`` to ``to`` (E.164), at most once per ``dedupe_key``."""

    async def close(self) -> None:
        """Release whatever the adapter holds."""


class SandboxSmsAdapter:
    """Records each text in ``sandbox_sms`` instead of sending it, once per
    dedupe key, in its own transaction (as a provider would: outside the
    worker's), so a retried send after a crash records nothing new."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def send(self, to: str, text: str, dedupe_key: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(SandboxSms)
                .values(dedupe_key=dedupe_key, destination=to, body=text)
                .on_conflict_do_nothing(index_elements=[SandboxSms.dedupe_key])
            )

    async def close(self) -> None:
        return None


def e164(number: str, region: str = PHONE_REGION) -> str:
    """``number`` as E.164, the form providers take (older rows hold numbers
    as typed, like ``512-555-0199``); ``DeliveryError`` if it is none."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        raise DeliveryError("sms: not a phone number", permanent=True) from None
    if not phonenumbers.is_possible_number(parsed):
        raise DeliveryError("sms: not a phone number", permanent=True)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


AdapterFactory = Callable[[Settings], SmsAdapter]


def sms_adapter(settings: Settings, engine: AsyncEngine) -> SmsAdapter:
    """The adapter ``settings.sms_adapter`` names."""
    name = settings.sms_adapter
    if name == SANDBOX:
        if not settings.is_demo:
            log.warning("the sandbox SMS adapter records texts instead of sending")
        return SandboxSmsAdapter(engine)
    module_name, _, attribute = name.partition(":")
    if not module_name or not attribute:
        raise ValueError(
            f"GATEWAY_SMS_ADAPTER: {name!r} is neither 'sandbox' nor "
            "'package.module:factory'"
        )
    factory = cast(
        "AdapterFactory", getattr(importlib.import_module(module_name), attribute)
    )
    return factory(settings)
