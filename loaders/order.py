"""Support orders and their obligation lines."""

from __future__ import annotations

from sqlalchemy import any_, select
from sqlalchemy.sql import Executable

from auth.authorization.filters import case_visible
from auth.principal import Principal
from db.models import Obligation, SupportOrder
from loaders.base import ID_KEYS, ManyByKey, VisibleOneByKey
from loaders.ids import global_id

ORDER_COLUMNS = (
    SupportOrder.id.label("pk"),
    global_id("Order", SupportOrder.id).label("id"),
    SupportOrder.case_id,
    SupportOrder.order_number,
    SupportOrder.issuing_court,
    SupportOrder.cause_number,
    SupportOrder.status,
    SupportOrder.effective_date,
    SupportOrder.end_date,
)


class OrderByIdLoader(VisibleOneByKey[int]):
    """An order on a case the principal may reach (else None)."""

    def build(self, principal: Principal) -> Executable:
        return select(*ORDER_COLUMNS).where(
            SupportOrder.id == any_(ID_KEYS),
            case_visible(principal, SupportOrder.case_id),
        )


class OrdersByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        select(*ORDER_COLUMNS)
        .where(SupportOrder.case_id == any_(ID_KEYS))
        .order_by(SupportOrder.case_id, SupportOrder.effective_date.desc())
    )


class ObligationsByOrderIdLoader(ManyByKey[int]):
    key_field = "order_id"
    statement = (
        select(
            Obligation.id.label("pk"),
            Obligation.order_id,
            Obligation.kind,
            Obligation.amount,
            Obligation.frequency,
            Obligation.start_date,
            Obligation.end_date,
        )
        .where(Obligation.order_id == any_(ID_KEYS))
        .order_by(Obligation.order_id, Obligation.id)
    )
