"""Texts: numbers as providers take them, and a provider plugged in by name."""

from __future__ import annotations

import pytest

from delivery.errors import DeliveryError
from delivery.sms import SandboxSmsAdapter, SmsAdapter, e164, sms_adapter
from settings import Mode, Settings


class RecordingProvider:
    """A provider as a deployment would plug one in."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sent: list[tuple[str, str, str]] = []

    async def send(self, to: str, text: str, dedupe_key: str) -> None:
        self.sent.append((to, text, dedupe_key))

    async def close(self) -> None:
        return None


def provider(settings: Settings) -> SmsAdapter:
    return RecordingProvider(settings)


def _settings(adapter: str) -> Settings:
    return Settings(mode=Mode.DEMO, sms_adapter=adapter)


def test_numbers_on_file_are_sent_in_e164() -> None:
    assert e164("512-555-0199") == "+15125550199"
    assert e164("(512) 555 0199") == "+15125550199"
    assert e164("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("number", ["12", "call me", ""])
def test_what_is_not_a_number_fails_for_good(number: str) -> None:
    with pytest.raises(DeliveryError) as refused:
        e164(number)
    assert refused.value.permanent


def test_the_sandbox_is_the_default() -> None:
    assert isinstance(sms_adapter(_settings("sandbox"), engine=None), SandboxSmsAdapter)  # type: ignore[arg-type]


def test_a_provider_plugs_in_by_module_and_factory_name() -> None:
    settings = _settings(f"{__name__}:provider")
    adapter = sms_adapter(settings, engine=None)  # type: ignore[arg-type]
    assert isinstance(adapter, RecordingProvider)
    assert adapter.settings is settings


@pytest.mark.parametrize("name", ["twilio", ":provider", "tests.delivery.test_sms:"])
def test_a_name_that_is_neither_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="neither"):
        sms_adapter(_settings(name), engine=None)  # type: ignore[arg-type]
