"""Message threads, their messages, and unread counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, any_, false, func, select
from sqlalchemy.sql import Executable

from auth.authorization.filters import case_visible
from auth.principal import Principal
from db.enums import SenderKind
from db.models import Case as CaseModel
from db.models import Message, MessageThread, SupportOrder
from loaders.base import ID_KEYS, ManyByKey, OneByKey, VisibleOneByKey
from loaders.ids import global_id

_UNREAD = and_(Message.read_at.is_(None), Message.sender_kind == SenderKind.STAFF)

_unread_in_thread = (
    select(func.count())
    .where(Message.thread_id == MessageThread.id, _UNREAD)
    .scalar_subquery()
)

THREAD_COLUMNS = (
    MessageThread.id.label("pk"),
    global_id("MessageThread", MessageThread.id).label("id"),
    MessageThread.party_id,
    MessageThread.case_id,
    MessageThread.topic,
    MessageThread.subject,
    MessageThread.created_at,
    MessageThread.last_message_at,
    CaseModel.case_number,
    SupportOrder.order_number,
    _unread_in_thread.label("unread_count"),
)


def _threads() -> Select[Any]:
    return (
        select(*THREAD_COLUMNS)
        .outerjoin(CaseModel, CaseModel.id == MessageThread.case_id)
        .outerjoin(SupportOrder, SupportOrder.id == MessageThread.order_id)
    )


class ThreadByIdLoader(VisibleOneByKey[int]):
    """A thread for the party it belongs to, or a caseworker of its case
    (``rules.TYPES['MessageThread']``); else None."""

    def build(self, principal: Principal) -> Executable:
        if principal.is_party:
            mine: ColumnElement[bool] = MessageThread.party_id == principal.id
        elif principal.is_staff:
            mine = case_visible(principal, MessageThread.case_id)
        else:
            mine = false()
        return _threads().where(MessageThread.id == any_(ID_KEYS), mine)


class ThreadsByPartyIdLoader(ManyByKey[int]):
    """A party's threads, unread first, then newest first."""

    key_field = "party_id"
    statement = (
        _threads()
        .where(MessageThread.party_id == any_(ID_KEYS))
        .order_by(
            MessageThread.party_id,
            (_unread_in_thread > 0).desc(),
            MessageThread.last_message_at.desc(),
        )
    )


class ThreadsByCaseIdLoader(ManyByKey[int]):
    key_field = "case_id"
    statement = (
        _threads()
        .where(MessageThread.case_id == any_(ID_KEYS))
        .order_by(MessageThread.case_id, MessageThread.last_message_at.desc())
    )


class MessagesByThreadIdLoader(ManyByKey[int]):
    key_field = "thread_id"
    statement = (
        select(
            Message.id.label("pk"),
            global_id("Message", Message.id).label("id"),
            Message.thread_id,
            Message.sender_kind,
            Message.body,
            Message.sent_at,
            Message.read_at,
        )
        .where(Message.thread_id == any_(ID_KEYS))
        .order_by(Message.thread_id, Message.sent_at, Message.id)
    )


class UnreadCountByPartyIdLoader(OneByKey[int]):
    key_field = "party_id"
    statement = (
        select(MessageThread.party_id, func.count().label("unread"))
        .join(Message, Message.thread_id == MessageThread.id)
        .where(MessageThread.party_id == any_(ID_KEYS), _UNREAD)
        .group_by(MessageThread.party_id)
    )
