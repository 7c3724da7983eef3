"""Message threads, their messages, and unread counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, any_, false, func, select
from sqlalchemy.sql import Executable
from sqlalchemy.sql.selectable import ScalarSelect

from auth.authorization.filters import PRINCIPAL_ID, case_visible
from auth.principal import NOBODY, Principal
from db.enums import SenderKind
from db.models import Case as CaseModel
from db.models import Message, MessageThread, SupportOrder
from loaders.base import ID_KEYS, ManyByKey, Source, VisibleOneByKey, built_for
from loaders.ids import global_id


def unread_by(reader: SenderKind) -> ColumnElement[bool]:
    """Messages from the other side that ``reader``'s side has not read: a
    parent's unread are the agency's messages, the agency's the parent's.
    Counted from the rows every time (never kept as a counter), so a count
    is always exactly the unread rows of the statement's snapshot, whatever
    replies and reads commit concurrently."""
    other = SenderKind.STAFF if reader is SenderKind.PARTY else SenderKind.PARTY
    return and_(Message.read_at.is_(None), Message.sender_kind == other)


def _unread_in_thread(reader: SenderKind) -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(Message.thread_id == MessageThread.id, unread_by(reader))
        .scalar_subquery()
    )


def _threads(reader: SenderKind = SenderKind.PARTY) -> Select[Any]:
    columns: tuple[Any, ...] = (
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
        _unread_in_thread(reader).label("unread_count"),
    )
    return (
        select(*columns)
        .outerjoin(CaseModel, CaseModel.id == MessageThread.case_id)
        .outerjoin(SupportOrder, SupportOrder.id == MessageThread.order_id)
    )


def reader_of(principal: Principal) -> SenderKind:
    """Whose unread messages a principal counts: staff count the parent's."""
    return SenderKind.STAFF if principal.is_staff else SenderKind.PARTY


#: A message as it is served.
MESSAGE_COLUMNS = (
    Message.id.label("pk"),
    global_id("Message", Message.id).label("id"),
    Message.thread_id,
    Message.sender_kind,
    Message.body,
    Message.sent_at,
    Message.read_at,
)


class ThreadByIdLoader(VisibleOneByKey[int]):
    """A thread for the party it belongs to, or a caseworker of its case
    (``rules.TYPES['MessageThread']``); else None."""

    def build(self, principal: Principal) -> Executable:
        if principal.is_party:
            mine: ColumnElement[bool] = MessageThread.party_id == PRINCIPAL_ID
        elif principal.is_staff:
            mine = case_visible(principal, MessageThread.case_id)
        else:
            mine = false()
        return _threads(reader_of(principal)).where(
            MessageThread.id == any_(ID_KEYS), mine
        )


class ThreadsByPartyIdLoader(ManyByKey[int]):
    """A parent's own threads (their unread counts), unread first, then
    newest first. ``Viewer.unreadMessageCount`` is the sum of these counts,
    so the total and the threads of one response always agree."""

    key_field = "party_id"
    statement = (
        _threads()
        .where(MessageThread.party_id == any_(ID_KEYS))
        .order_by(
            MessageThread.party_id,
            (_unread_in_thread(SenderKind.PARTY) > 0).desc(),
            MessageThread.last_message_at.desc(),
        )
    )


class ThreadsByCaseIdLoader(ManyByKey[int]):
    """A case's threads, newest first, with the reader's unread counts."""

    key_field = "case_id"

    def __init__(self, engine: Source, principal: Principal | None) -> None:
        super().__init__(engine)
        self.principal = principal or NOBODY

    @staticmethod
    def build(principal: Principal) -> Executable:
        return (
            _threads(reader_of(principal))
            .where(MessageThread.case_id == any_(ID_KEYS))
            .order_by(MessageThread.case_id, MessageThread.last_message_at.desc())
        )

    def query(self) -> Executable:
        return built_for(ThreadsByCaseIdLoader, self.principal, self.build)


class MessagesByThreadIdLoader(ManyByKey[int]):
    key_field = "thread_id"
    statement = (
        select(*MESSAGE_COLUMNS)
        .where(Message.thread_id == any_(ID_KEYS))
        .order_by(Message.thread_id, Message.sent_at, Message.id)
    )
