"""How payments reach the agency: one order's payments, planned a month at a time.

An obligor's style decides the regular payments (withholding per pay period
while employed, direct and irregular, rare, or forwarded by another state);
unemployment benefits fill some gaps between jobs, and tax offsets catch
arrears in spring. The plan sees only the balances at the start of the month.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from db.enums import Frequency, ObligationKind, PaymentSource
from demo.seed.money import CENT, ZERO, OrderBook, Payer, PayStyle, cents, per_period


class Planned(NamedTuple):
    """A payment to come in on ``day``."""

    day: date
    amount: Decimal
    source: PaymentSource
    employer_id: int | None


class PaymentPlan:
    """Decides when an order's payments arrive and how much they are."""

    def __init__(self, rng: random.Random, book: OrderBook, payer: Payer) -> None:
        self.rng = rng
        self.payer = payer
        accruing = [
            t for t in book.terms if t.kind is not ObligationKind.ARREARS_REPAYMENT
        ]
        self.frequency = accruing[0].frequency
        if payer.style is not PayStyle.WITHHOLDING:
            self.frequency = Frequency.MONTHLY  # people pay by the month
        freq = self.frequency
        self.per_period = sum(
            (per_period(t.amount, t.frequency, freq) for t in accruing), ZERO
        )
        self.monthly_due = sum(
            (per_period(t.amount, t.frequency, Frequency.MONTHLY) for t in accruing),
            ZERO,
        )
        self.repay = sum(
            (
                per_period(t.amount, t.frequency, freq)
                for t in book.terms
                if t.kind is ObligationKind.ARREARS_REPAYMENT
            ),
            ZERO,
        )
        if not self.repay:
            # Without repayment terms an income withholding order still adds
            # a fifth of current support toward any arrears.
            self.repay = (self.per_period / 5).quantize(CENT)
        self.offset_month = rng.choice((2, 3, 3, 4))

    @property
    def per_pay_period(self) -> bool:
        """Whether payments follow the support's due dates (else monthly)."""
        return self.frequency is not Frequency.MONTHLY

    def _share(self, amount: Decimal, low: int, high: int) -> Decimal:
        return (amount * self.rng.randint(low, high) / 100).quantize(CENT)

    def _withheld(self, base: Decimal, owed: Decimal) -> Decimal | None:
        """What an employer (or the other state) sends for one period, or None."""
        rng, payer = self.rng, self.payer
        if rng.random() < payer.miss_rate:
            return None
        amount = base + (self.repay if owed > 0 else ZERO)
        if rng.random() < payer.partial_rate:
            return self._share(amount, 40, 95)
        return amount + payer.overpay

    def for_due_date(self, due: date, last: date, owed: Decimal) -> list[Planned]:
        """The withholding for the pay period falling due on ``due``."""
        spell = next((s for s in self.payer.spells if s.covers(due)), None)
        if spell is None:
            return []
        amount = self._withheld(self.per_period, owed)
        if amount is None:
            return []
        day = min(due + timedelta(days=self.rng.randint(0, 2)), last)
        source = PaymentSource.INCOME_WITHHOLDING
        return [Planned(day, amount, source, spell.employer_id)]

    def for_month(self, first: date, last: date, owed: Decimal) -> list[Planned]:
        """The month's regular payment, by the obligor's style."""
        rng, payer = self.rng, self.payer
        day = min(first.replace(day=min(payer.payday, 28)), last)
        style = payer.style
        amount: Decimal | None = None
        source = PaymentSource.DIRECT_PAYMENT
        employer_id: int | None = None
        if style is PayStyle.WITHHOLDING:
            spell = next((s for s in payer.spells if s.covers(day)), None)
            if spell is not None:
                amount = self._withheld(self.per_period, owed)
                source = PaymentSource.INCOME_WITHHOLDING
                employer_id = spell.employer_id
        elif style is PayStyle.OTHER_STATE:
            amount = self._withheld(self.monthly_due, owed)
            source = PaymentSource.OTHER_STATE
        elif style is PayStyle.DIRECT:
            if rng.random() < 0.8:
                amount = self._share(self.monthly_due, 70, 112)
                amount += self.repay if owed > 0 else ZERO
        elif rng.random() < 0.2:
            amount = self._share(self.monthly_due, 20, 100)
        if amount is None or amount <= 0:
            return []
        return [Planned(day, amount, source, employer_id)]

    def occasional(
        self, first: date, last: date, owed: Decimal, owed_state: Decimal
    ) -> list[Planned]:
        """Unemployment benefits between jobs, tax offsets in spring, the odd extra.

        ``owed`` is all arrears and interest; ``owed_state`` the arrears assigned
        to the state (which a federal offset may collect from a lower amount).
        """
        rng, payer = self.rng, self.payer
        planned: list[Planned] = []

        def on(day: int, amount: Decimal, source: PaymentSource) -> None:
            if amount > 0:
                planned.append(Planned(min(first.replace(day=day), last), amount,
                                       source, None))  # fmt: skip

        if payer.style is PayStyle.WITHHOLDING:
            mid = first.replace(day=15)
            working = any(s.covers(mid) for s in payer.spells)
            if not working and rng.random() < 0.55:
                on(rng.randint(8, 22), self._share(self.monthly_due, 30, 60),
                   PaymentSource.UNEMPLOYMENT_BENEFITS)  # fmt: skip
        if first.month == self.offset_month and (owed >= 500 or owed_state >= 150):
            if rng.random() < 0.75:
                refund = cents(rng.randint(25_000, 450_000))
                on(rng.randint(1, 28), min(refund, owed),
                   PaymentSource.FEDERAL_TAX_OFFSET)  # fmt: skip
        elif first.month == 5 and owed >= 100 and rng.random() < 0.1:
            refund = cents(rng.randint(5_000, 60_000))
            on(rng.randint(1, 28), min(refund, owed), PaymentSource.STATE_TAX_OFFSET)
        elif owed > 0 and payer.style is PayStyle.WITHHOLDING and rng.random() < 0.01:
            on(rng.randint(1, 28), self._share(owed, 5, 40),
               PaymentSource.DIRECT_PAYMENT)  # fmt: skip
        return planned
