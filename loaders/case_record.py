"""What happens on a case: hearings and appointments, activities, documents."""

from __future__ import annotations

from sqlalchemy import any_, select

from db.models import CaseActivity, CaseDocument, Hearing
from loaders.base import ID_KEYS, ManyByKey


class HearingsByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        select(
            Hearing.case_id,
            Hearing.kind,
            Hearing.status,
            Hearing.scheduled_at,
            Hearing.location,
            Hearing.description,
        )
        .where(Hearing.case_id == any_(ID_KEYS))
        .order_by(Hearing.case_id, Hearing.scheduled_at)
    )


class ActivitiesByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        select(
            CaseActivity.case_id,
            CaseActivity.occurred_at,
            CaseActivity.code,
            CaseActivity.description,
            CaseActivity.discloses_location,
        )
        .where(CaseActivity.case_id == any_(ID_KEYS))
        .order_by(CaseActivity.case_id, CaseActivity.occurred_at.desc())
    )


class DocumentsByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        select(
            CaseDocument.case_id,
            CaseDocument.kind,
            CaseDocument.title,
            CaseDocument.sent_on,
            CaseDocument.discloses_location,
        )
        .where(CaseDocument.case_id == any_(ID_KEYS))
        .order_by(CaseDocument.case_id, CaseDocument.sent_on.desc())
    )
