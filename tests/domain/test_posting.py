"""Posting a confirmed payment: what each slot owes (as the balance derives
it), the allocations, the credit, and the ledger lines, from one function."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from db.enums import Bucket, LedgerEntryType, OwedTo, PaymentSource
from domain.allocation import CENT, PAST_DUE_ONLY, Allocation, order_for
from domain.balance import CURRENT_BUCKETS, Balance, derive_balance
from domain.posting import BucketTotals, LedgerLine, owed_by_slot, post_collection
from tests.support.payments import ledger_sums

ZERO = Decimal("0.00")
D = Decimal
FAMILY, STATE = OwedTo.FAMILY, OwedTo.STATE
CS, MED, ARR = Bucket.CURRENT_SUPPORT, Bucket.MEDICAL_SUPPORT, Bucket.ARREARS
DIRECT = PaymentSource.DIRECT_PAYMENT
AS_OF = date(2026, 12, 2)

#: 400 current and 50 medical due this month, 300 unpaid from before, 100 of
#: arrears assigned to the state, 20 of interest.
TOTALS = [
    BucketTotals(CS, FAMILY, current_charged=D("400.00"), past_charged=D("800.00"),
                 past_paid=D("500.00")),
    BucketTotals(MED, FAMILY, current_charged=D("50.00")),
    BucketTotals(ARR, STATE, past_charged=D("100.00")),
    BucketTotals(Bucket.INTEREST, FAMILY, past_charged=D("20.00")),
]  # fmt: skip


def test_a_direct_payment_pays_current_then_medical_then_arrears() -> None:
    posting = post_collection(D("800.00"), TOTALS, DIRECT, assisted=True)
    assert posting.allocations == (
        Allocation(CS, FAMILY, D("400.00")),
        Allocation(MED, FAMILY, D("50.00")),
        Allocation(ARR, FAMILY, D("300.00")),
        Allocation(ARR, STATE, D("50.00")),
    )
    assert posting.credit == ZERO
    assert posting.lines == (
        LedgerLine(LedgerEntryType.COLLECTION, None, FAMILY, D("800.00")),
        LedgerLine(LedgerEntryType.ALLOCATION, CS, FAMILY, D("400.00")),
        LedgerLine(LedgerEntryType.ALLOCATION, MED, FAMILY, D("50.00")),
        LedgerLine(LedgerEntryType.ALLOCATION, ARR, FAMILY, D("300.00")),
        LedgerLine(LedgerEntryType.ALLOCATION, ARR, STATE, D("50.00")),
    )


def test_an_overpayment_is_left_as_a_credit() -> None:
    posting = post_collection(D("1000.00"), TOTALS, DIRECT, assisted=False)
    assert sum(a.amount for a in posting.allocations) == D("870.00")
    assert posting.credit == D("130.00")
    # the ledger keeps the whole collection; the credit is what it did not pay
    assert posting.lines[0].amount == D("1000.00")


def test_a_tax_offset_pays_the_state_first_after_public_assistance() -> None:
    tax = PaymentSource.FEDERAL_TAX_OFFSET
    posting = post_collection(D("150.00"), TOTALS, tax, assisted=True)
    assert posting.allocations == (
        Allocation(ARR, STATE, D("100.00")),
        Allocation(ARR, FAMILY, D("50.00")),
    )


def test_an_overpaid_current_bucket_reduces_the_others_then_arrears() -> None:
    # medical support overpaid by 30 this month; current support owes 20
    totals = [
        BucketTotals(CS, FAMILY, current_charged=D("400.00"), current_paid=D("380.00"),
                     past_charged=D("100.00")),
        BucketTotals(MED, FAMILY, current_charged=D("50.00"), current_paid=D("80.00")),
    ]  # fmt: skip
    owed = owed_by_slot(totals)
    assert owed[(CS, FAMILY)] == ZERO
    assert owed[(MED, FAMILY)] == ZERO
    assert owed[(ARR, FAMILY)] == D("90.00")


def test_nothing_owed_leaves_everything_as_a_credit() -> None:
    posting = post_collection(D("12.34"), [], DIRECT, assisted=False)
    assert posting.allocations == ()
    assert posting.credit == D("12.34")


# -- properties ----------------------------------------------------------------

SLOTS = [(bucket, owed_to) for bucket in Bucket for owed_to in OwedTo]


def _cents(maximum: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=maximum).map(lambda c: D(c).scaleb(-2))


bucket_totals = st.dictionaries(
    st.sampled_from(SLOTS),
    st.tuples(_cents(200_000), _cents(200_000), _cents(500_000), _cents(500_000)),
    max_size=len(SLOTS),
).map(
    lambda found: [
        BucketTotals(bucket, owed_to, *sums)
        for (bucket, owed_to), sums in found.items()
    ]
)
amounts = _cents(2_000_000).filter(lambda a: a > 0)


def posted(
    totals: list[BucketTotals], parts: Iterable[Allocation]
) -> list[BucketTotals]:
    """The totals once the allocations are on the ledger, dated this month."""
    after = {(t.bucket, t.owed_to): t for t in totals}
    for part in parts:
        slot = (part.bucket, part.owed_to)
        t = after.get(slot, BucketTotals(*slot))
        after[slot] = replace(t, current_paid=t.current_paid + part.amount)
    return list(after.values())


def balance(totals: list[BucketTotals]) -> Balance:
    return derive_balance(ledger_sums(totals), AS_OF, [])


@given(
    amount=amounts,
    totals=bucket_totals,
    source=st.sampled_from(PaymentSource),
    assisted=st.booleans(),
)
def test_posting_properties(
    amount: Decimal,
    totals: list[BucketTotals],
    source: PaymentSource,
    assisted: bool,
) -> None:
    posting = post_collection(amount, totals, source, assisted=assisted)
    owed = owed_by_slot(totals)
    order = order_for(source, assisted=assisted)
    paid = {(a.bucket, a.owed_to): a.amount for a in posting.allocations}

    # allocations and the credit add up to the amount, in whole cents
    assert sum(paid.values(), ZERO) + posting.credit == amount
    assert posting.credit >= 0
    assert all(a > 0 and a == a.quantize(CENT) for a in paid.values())
    # the ledger lines: the whole collection, then each allocation
    assert posting.lines[0] == LedgerLine(
        LedgerEntryType.COLLECTION, None, FAMILY, amount
    )
    assert [(line.bucket, line.owed_to, line.amount) for line in posting.lines[1:]] == [
        (a.bucket, a.owed_to, a.amount) for a in posting.allocations
    ]
    # no bucket goes below zero: nothing pays more than its slot owed
    assert len(paid) == len(posting.allocations)
    for slot, part in paid.items():
        assert part <= owed[slot]
    # the source's order holds: a slot is paid only when every earlier one is
    # paid in full, and slots outside the order are never paid
    assert list(paid) == [slot for slot in order if slot in paid]
    for index, slot in enumerate(order):
        if slot in paid:
            for earlier in order[:index]:
                assert paid.get(earlier, ZERO) == max(owed[earlier], ZERO)
    if source in PAST_DUE_ONLY:
        assert all(bucket is Bucket.ARREARS for bucket, _ in paid)
    # an overpayment is a credit only once all this source may pay is paid
    if posting.credit > 0:
        for slot in order:
            assert paid.get(slot, ZERO) == max(owed[slot], ZERO)
    # and the balance, derived from the ledger with the posting on it, falls
    # by exactly what was allocated, figure by figure
    before, after = balance(totals), balance(posted(totals, posting.allocations))

    def by(buckets: Iterable[Bucket], owed_to: Iterable[OwedTo] = OwedTo) -> Decimal:
        wanted = {(b, o) for b in buckets for o in owed_to}
        return sum((a for s, a in paid.items() if s in wanted), ZERO)

    assert after.current_support_due == before.current_support_due - by(CURRENT_BUCKETS)
    assert after.arrears_owed_to_family == before.arrears_owed_to_family - by(
        [ARR], [FAMILY]
    )
    assert after.arrears_owed_to_state == before.arrears_owed_to_state - by(
        [ARR], [STATE]
    )
    assert after.interest == before.interest - by([Bucket.INTEREST])
    assert after.fees == before.fees - by([Bucket.FEES])
    assert after.total_owed == before.total_owed - (amount - posting.credit)
    # nothing is paid beyond what the ledger shows owed to whom it is owed:
    # each figure paid toward ends at zero or more
    arrears = {FAMILY: after.arrears_owed_to_family, STATE: after.arrears_owed_to_state}
    for sums in ledger_sums(posted(totals, posting.allocations)):
        left = {
            tuple(CURRENT_BUCKETS): sums.current_charged - sums.current_paid,
            (ARR,): arrears[sums.owed_to],
            (Bucket.INTEREST,): sums.interest_charged - sums.interest_paid,
            (Bucket.FEES,): sums.fees_charged - sums.fees_paid,
        }
        for buckets, figure in left.items():
            if by(buckets, [sums.owed_to]) > 0:
                assert figure >= 0, (buckets, sums.owed_to)
