"""What a parent sees of other people and of money they are not owed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db import models as m
from tests.support import factories as f
from tests.support.api import running_api
from tests.support.cases import link
from tests.support.issuer import TestIssuer

CASE = """
query($n: String!) {
  case(number: $n) {
    myRole
    otherParty { firstName lastName }
    children { firstName dateOfBirth addressLine1 expectedEmancipationDate }
    orders { payments { nodes { source disbursements { amount method } } } }
  }
  viewer {
    healthInsurance { coveredChildren { firstName dateOfBirth addressLine1 city } }
  }
}
"""


async def test_each_parent_sees_their_own_side(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    # given a case between an obligor and a protected obligee, with a child,
    # a tax-offset payment and its disbursement to the obligee
    async with engine.begin() as conn:
        office = await f.agency(conn)
        worker = await f.staff(conn, office)
        payer = await f.party(conn, first_name="Paul")
        payee = await f.party(conn, first_name="Rita", address_line1="1 Safe House Rd")
        await f.add(
            conn,
            m.FamilyViolenceIndicator,
            party_id=payee,
            code="family_violence",
            set_on=date(2024, 1, 1),
            set_by_staff_id=worker,
        )
        case_id = await f.case(conn, office, worker, case_number="7770001111")
        for party, role in ((payer, "obligor"), (payee, "obligee")):
            await f.add(
                conn, m.CaseParticipant, case_id=case_id, party_id=party, role=role
            )
        child = await f.add(
            conn,
            m.Child,
            first_name="Tess",
            last_name="Kid",
            date_of_birth=date(2016, 2, 2),
            expected_emancipation_date=date(2034, 2, 2),
            address_line1="1 Safe House Rd",
        )
        await f.add(conn, m.CaseChild, case_id=case_id, child_id=child)
        for holder in (payer, payee):
            policy = await f.add(
                conn,
                m.InsurancePolicy,
                holder_party_id=holder,
                carrier="Blue Plan",
                policy_number="XK-0042-7781",
                coverage_type="medical",
                start_date=date(2024, 1, 1),
            )
            await f.add(conn, m.InsuranceCoverage, policy_id=policy, child_id=child)
        order = await f.order(conn, case_id)
        paid = await f.payment(
            conn, order, payer, source="federal_tax_offset", status="disbursed"
        )
        await f.add(
            conn,
            m.Disbursement,
            payment_id=paid,
            payee_party_id=payee,
            disbursed_on=date(2021, 2, 6),
            amount=Decimal("400.00"),
            method="direct_deposit",
            status="cleared",
        )
        await link(conn, issuer.url, "payer", payer)
        await link(conn, issuer.url, "payee", payee)

    async with running_api(engine, issuer.url) as api:
        payer_view = await api.query(CASE, issuer.mint("payer"), n="7770001111")
        payee_view = await api.query(CASE, issuer.mint("payee"), n="7770001111")
    as_payer, as_payee = payer_view["case"], payee_view["case"]

    # then the obligor sees the obligee's name, no child details, no disbursement
    assert as_payer["myRole"] == "OBLIGOR"
    assert set(as_payer["otherParty"]) == {"firstName", "lastName"}
    assert as_payer["otherParty"]["firstName"] == "Rita"
    assert as_payer["children"] == [
        {
            "firstName": "Tess",
            "dateOfBirth": None,
            "addressLine1": None,
            "expectedEmancipationDate": None,
        }
    ]
    # not through the health insurance he holds for the child either
    assert payer_view["viewer"]["healthInsurance"] == [
        {
            "coveredChildren": [
                {
                    "firstName": "Tess",
                    "dateOfBirth": None,
                    "addressLine1": None,
                    "city": None,
                }
            ]
        }
    ]
    payment = as_payer["orders"][0]["payments"]["nodes"][0]
    assert payment == {"source": "TAX_OFFSET", "disbursements": []}
    # and the obligee sees the child in full and the money sent to her
    assert as_payee["myRole"] == "OBLIGEE"
    assert as_payee["otherParty"]["firstName"] == "Paul"
    assert as_payee["children"] == [
        {
            "firstName": "Tess",
            "dateOfBirth": "2016-02-02",
            "addressLine1": "1 Safe House Rd",
            "expectedEmancipationDate": "2034-02-02",
        }
    ]
    covered = payee_view["viewer"]["healthInsurance"][0]["coveredChildren"]
    assert covered[0]["dateOfBirth"] == "2016-02-02"
    payment = as_payee["orders"][0]["payments"]["nodes"][0]
    assert payment == {
        "source": "TAX_OFFSET",
        "disbursements": [{"amount": "400.00", "method": "DIRECT_DEPOSIT"}],
    }


def test_a_parent_reads_nothing_but_names_of_other_people() -> None:
    # Every field of `Party` beyond the name is declared, and no declaration
    # lets a parent read it of anyone but themselves.
    from auth.authorization.rules import FIELDS, OPEN_FIELDS, Relation
    from schema.build import build_schema

    party = build_schema()._schema.get_type("Party")
    names = set(party.fields)  # type: ignore[union-attr]
    guarded = names - OPEN_FIELDS["Party"]
    assert OPEN_FIELDS["Party"] == {"id", "firstName", "middleName", "lastName"}
    assert guarded == {name for (kind, name) in FIELDS if kind == "Party"}
    for name in guarded:
        readers = FIELDS[("Party", name)].readers
        assert Relation.PARENT not in readers, name
        assert Relation.CUSTODIAN not in readers, name


PAGE = """
query($n: String!, $first: Int, $after: String, $from: Date, $to: Date) {
  case(number: $n) { orders {
    payments(first: $first, after: $after, from: $from, to: $to) {
      nodes { collectedOn } pageInfo { hasNextPage endCursor }
    }
  } }
}
"""


async def test_payment_history_pages_and_filters(
    engine: AsyncEngine, issuer: TestIssuer
) -> None:
    async with engine.begin() as conn:
        office = await f.agency(conn)
        payer = await f.party(conn)
        case_id = await f.case(conn, office, None, case_number="7770002222")
        await f.add(
            conn, m.CaseParticipant, case_id=case_id, party_id=payer, role="obligor"
        )
        order = await f.order(conn, case_id)
        for month in range(1, 8):
            day = date(2025, month, 10)
            await f.payment(conn, order, payer, collected_on=day, posted_on=day)
        await link(conn, issuer.url, "payer", payer)
    token = issuer.mint("payer")

    async def page(**variables: object) -> dict[str, Any]:
        data = await api.query(PAGE, token, n="7770002222", **variables)
        return data["case"]["orders"][0]["payments"]  # type: ignore[no-any-return]

    async with running_api(engine, issuer.url) as api:
        first = await page(first=3)
        assert [p["collectedOn"] for p in first["nodes"]] == [
            "2025-07-10",
            "2025-06-10",
            "2025-05-10",
        ]
        assert first["pageInfo"]["hasNextPage"] is True
        rest = await page(first=10, after=first["pageInfo"]["endCursor"])
        assert [p["collectedOn"][5:7] for p in rest["nodes"]] == [
            "04",
            "03",
            "02",
            "01",
        ]
        assert rest["pageInfo"]["hasNextPage"] is False
        ranged = await page(first=10, **{"from": "2025-02-01", "to": "2025-03-31"})
        assert [p["collectedOn"] for p in ranged["nodes"]] == [
            "2025-03-10",
            "2025-02-10",
        ]
        # a page larger than the maximum, or a forged cursor, is a clear error
        for bad in ({"first": 101}, {"first": 0}, {"after": "bm90LWEtY3Vyc29y"}):
            body = (await api.post(PAGE, token, n="7770002222", **bad)).json()
            assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
            assert body["data"] == {"case": None}
