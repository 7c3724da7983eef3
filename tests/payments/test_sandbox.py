"""The sandbox processor behaves like a real one: deterministic by token,
idempotent by reference, slow when told to, and one processor for every
process (its charges are in the database)."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from db.engine import create_engine
from payments.processor import (
    PROCESSORS,
    ChargeStatus,
    DeclineReason,
    PaymentProcessor,
    ProcessorTimeout,
    ProcessorUnavailable,
    processor_for,
    register,
)
from payments.sandbox import SandboxProcessor
from settings import Settings
from tests.support.payments import rows

AMOUNT = Decimal("25.00")


def sandbox(engine: AsyncEngine, **options: float) -> PaymentProcessor:
    return SandboxProcessor(engine, **options)


async def test_an_approved_charge_is_captured_and_found_by_reference(
    engine: AsyncEngine,
) -> None:
    processor = sandbox(engine)
    charge = await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_approve")
    assert (charge.reference, charge.amount, charge.status) == (
        "WP1",
        AMOUNT,
        ChargeStatus.CAPTURED,
    )
    assert charge.charge_id.startswith("ch_sandbox_")
    assert await processor.status("WP1") == charge
    assert await processor.status("WP2") is None


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("tok_sandbox_insufficient_funds", DeclineReason.INSUFFICIENT_FUNDS),
        ("tok_sandbox_expired_card", DeclineReason.EXPIRED_CARD),
        ("tok_sandbox_declined", DeclineReason.CARD_DECLINED),
        ("tok_visa", DeclineReason.INVALID_PAYMENT_METHOD),
    ],
)
async def test_declines_are_deterministic_by_token(
    engine: AsyncEngine, token: str, reason: DeclineReason
) -> None:
    processor = sandbox(engine)
    charge = await processor.authorize_and_capture("WP1", AMOUNT, token)
    assert (charge.status, charge.decline_reason) == (ChargeStatus.DECLINED, reason)
    assert await processor.status("WP1") == charge


async def test_a_reference_is_charged_once_whatever_comes_after(
    engine: AsyncEngine,
) -> None:
    processor = sandbox(engine)
    first = await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_approve")
    # the same reference again, even with another amount or token
    again = await processor.authorize_and_capture(
        "WP1", Decimal("99.00"), "tok_sandbox_expired_card"
    )
    assert again == first
    assert len(await rows(engine, m.SandboxCharge)) == 1


async def test_twenty_charges_of_one_reference_at_once_charge_once(
    engine: AsyncEngine,
) -> None:
    processor = sandbox(engine)
    charges = await asyncio.gather(
        *(
            processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_approve")
            for _ in range(20)
        )
    )
    assert len({c.charge_id for c in charges}) == 1
    assert len(await rows(engine, m.SandboxCharge)) == 1


async def test_a_timeout_token_charges_but_answers_too_late(
    engine: AsyncEngine,
) -> None:
    processor = sandbox(engine, late_seconds=0.05)
    with pytest.raises(ProcessorTimeout):
        await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_timeout")
    charge = await processor.status("WP1")
    assert charge is not None
    assert charge.status is ChargeStatus.CAPTURED


async def test_a_caller_that_stops_waiting_still_leaves_the_charge(
    engine: AsyncEngine,
) -> None:
    processor = sandbox(engine)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_timeout")
    charge = await processor.status("WP1")
    assert charge is not None
    assert charge.status is ChargeStatus.CAPTURED


async def test_an_unavailable_processor_takes_nothing(engine: AsyncEngine) -> None:
    processor = sandbox(engine)
    with pytest.raises(ProcessorUnavailable):
        await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_unavailable")
    assert await processor.status("WP1") is None


async def test_the_delay_is_configurable(engine: AsyncEngine) -> None:
    processor = processor_for(
        Settings(sandbox_processor_delay_seconds=0.4, database_url="postgresql://x"),
        engine,
    )
    started = time.monotonic()
    await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_approve")
    assert time.monotonic() - started >= 0.4


async def test_refunds(engine: AsyncEngine) -> None:
    processor = sandbox(engine)
    await processor.authorize_and_capture("WP1", AMOUNT, "tok_sandbox_approve")
    await processor.authorize_and_capture("WP2", AMOUNT, "tok_sandbox_declined")

    part = await processor.refund("WP1", Decimal("5.00"))
    assert (part.status, part.refunded_amount) == (
        ChargeStatus.CAPTURED,
        Decimal("5.00"),
    )
    with pytest.raises(ValueError, match="at most"):
        await processor.refund("WP1", Decimal("20.01"))
    rest = await processor.refund("WP1")
    assert (rest.status, rest.refunded_amount) == (ChargeStatus.REFUNDED, AMOUNT)
    for reference in ("WP1", "WP2", "WP3"):
        with pytest.raises(ValueError, match="captured"):
            await processor.refund(reference)


async def test_every_process_sees_the_same_processor(engine: AsyncEngine) -> None:
    # given a second engine on the same database (another process)
    other = create_engine(engine.url, pool_size=1, max_overflow=0)
    try:
        charged = await sandbox(engine).authorize_and_capture(
            "WP1", AMOUNT, "tok_sandbox_approve"
        )
        # then it finds the charge, and charging it again is the same charge
        assert await sandbox(other).status("WP1") == charged
        assert (
            await sandbox(other).authorize_and_capture(
                "WP1", AMOUNT, "tok_sandbox_approve"
            )
            == charged
        )
    finally:
        await other.dispose()


def test_processors_are_chosen_by_name(engine: AsyncEngine) -> None:
    settings = Settings(database_url="postgresql://x")
    assert isinstance(processor_for(settings, engine), SandboxProcessor)
    with pytest.raises(LookupError, match="no payment processor named 'acme'"):
        processor_for(Settings(database_url="x", payment_processor="acme"), engine)


def test_a_processor_is_plugged_in_by_registering_it(engine: AsyncEngine) -> None:
    made: list[PaymentProcessor] = []

    def factory(settings: Settings, engine: AsyncEngine) -> PaymentProcessor:
        made.append(SandboxProcessor(engine))
        return made[-1]

    register("acme", factory)
    try:
        chosen = processor_for(
            Settings(database_url="x", payment_processor="acme"), engine
        )
        assert made == [chosen]
    finally:
        del PROCESSORS["acme"]
