"""``linkAccount``: link a first-time login to the caller's own party.

One transaction per attempt: serialise on the login and the case number
(``pg_advisory_xact_lock``), count recent failures, refuse while locked out,
else check the typed details (``domain.account_linking``), then record the
attempt, the link on success, and the audit record, all together. What was
typed for the date of birth and the SSN digits is never stored, logged or
sent to the database: it is compared here.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    bindparam,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from auth.authorization.filters import has_indicator
from auth.principal import Principal
from db.enums import AuditOutcome
from db.models import AccountLinkAttempt, Case, CaseParticipant, IdentityLink, Party
from domain.account_linking import (
    Candidate,
    Limits,
    looked_up_case_number,
    matching_party,
    overlong_field,
    refused_until,
    stored_case_number,
)
from schema.account import (
    AccountLinkError,
    AccountLinkErrorCode,
    LinkAccountInput,
    LinkAccountPayload,
)
from schema.context import Info
from schema.errors import Unauthenticated

ACTION = "link_account"

NOT_VERIFIED = AccountLinkError(
    code=AccountLinkErrorCode.VERIFICATION_FAILED,
    field=None,
    message=(
        "These details do not match our records. Check the case number, your "
        "date of birth and the last four digits of your Social Security number."
    ),
)
LOGIN_LINKED = AccountLinkError(
    code=AccountLinkErrorCode.ALREADY_LINKED,
    field=None,
    message="Your login is already linked to an account.",
)

_A = AccountLinkAttempt
_FAILURES = union_all(
    select(literal("subject").label("counted_for"), _A.attempted_at).where(
        _A.issuer == bindparam("issuer"),
        _A.subject == bindparam("subject"),
        _A.succeeded.is_(False),
        _A.attempted_at > bindparam("since"),
    ),
    select(literal("case").label("counted_for"), _A.attempted_at).where(
        _A.case_number == bindparam("case_number"),
        _A.succeeded.is_(False),
        _A.attempted_at > bindparam("case_since"),
    ),
)

#: The case (if any) and its participants (if any): one statement whether the
#: case exists or not.
_PARTICIPANTS = (
    select(
        Case.id.label("case_id"),
        Party.id.label("party_id"),
        Party.date_of_birth,
        Party.ssn_last4,
        has_indicator(Party.id).label("family_violence"),
    )
    .outerjoin(CaseParticipant, CaseParticipant.case_id == Case.id)
    .outerjoin(Party, Party.id == CaseParticipant.party_id)
    .where(Case.case_number == bindparam("case_number"))
)

_LINKS_IN_THE_WAY = select(IdentityLink.subject).where(
    IdentityLink.issuer == bindparam("issuer"),
    or_(
        IdentityLink.subject == bindparam("subject"),
        IdentityLink.party_id == bindparam("party_id"),
    ),
)


def _lock_key(*parts: object) -> int:
    """A stable signed 64-bit advisory-lock key for ``parts``."""
    text = "\x1f".join(str(part) for part in parts)
    digest = hashlib.sha256(text.encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _lock(conn: AsyncConnection, *keys: int) -> None:
    # one global order, so two attempts never wait on each other in a cycle
    for key in sorted(set(keys)):
        await conn.execute(select(func.pg_advisory_xact_lock(literal(key, BigInteger))))


async def link_account(info: Info, data: LinkAccountInput) -> LinkAccountPayload:
    """Link the caller's login to the party the details prove, or say why not."""
    principal = info.context.principal
    if principal is None:
        raise Unauthenticated("authentication required")
    typed = stored_case_number(data.case_number)
    if not principal.is_unlinked:
        async with info.context.engine.begin() as conn:
            await _audit(info, conn, typed, None, None, AuditOutcome.FAILED)
        return LinkAccountPayload(viewer=None, errors=[LOGIN_LINKED])
    party_id, error = await _attempt(info, principal, data, typed)
    if error is not None:
        return LinkAccountPayload(viewer=None, errors=[error])
    assert party_id is not None
    viewer = await info.context.loaders.party_by_id.load(party_id)
    # a row, served as Viewer like everywhere else (schema.node.RowBacked)
    return LinkAccountPayload(viewer=viewer, errors=[])  # type: ignore[arg-type]


async def _attempt(
    info: Info, principal: Principal, data: LinkAccountInput, typed: str
) -> tuple[int | None, AccountLinkError | None]:
    """One attempt in one transaction: the linked party id, or the error."""
    async with info.context.engine.begin() as conn:
        await _lock(
            conn,
            _lock_key("link-subject", principal.issuer, principal.subject),
            _lock_key("link-case", typed),
        )
        # the database's clock, after the locks: the one the counts are kept by
        now: datetime = (
            await conn.execute(select(func.clock_timestamp()))
        ).scalar_one()
        retry_at = await _refused_until(info, conn, principal, typed, now)
        case_id: int | None = None
        party_id: int | None = None
        reason: str | None = None
        error: AccountLinkError | None
        if retry_at is not None:
            outcome, error = AuditOutcome.LOCKED, _locked(retry_at)
        elif (field := overlong_field(data.case_number, data.ssn_last4)) is not None:
            outcome, error = AuditOutcome.FAILED, _invalid(field)
        else:
            case_id, party_id, protected = await _verify(conn, data)
            if party_id is None:
                error = NOT_VERIFIED
            elif protected:
                # a person under a family-violence indicator is linked by
                # their caseworker, never by whoever knows their details; the
                # answer is the one a wrong guess gets
                reason, error, party_id = (
                    "family_violence_indicator",
                    NOT_VERIFIED,
                    None,
                )
            else:
                error = await _link(conn, principal, party_id)
                if error is not None:
                    reason, party_id = "party_already_linked", None
            outcome = (
                AuditOutcome.FAILED if party_id is None else AuditOutcome.SUCCEEDED
            )
        await conn.execute(
            insert(AccountLinkAttempt).values(
                issuer=principal.issuer,
                subject=principal.subject,
                case_number=typed,
                succeeded=party_id is not None,
                attempted_at=now,
            )
        )
        await _audit(info, conn, typed, case_id, party_id, outcome, reason)
    return party_id, error


async def _refused_until(
    info: Info, conn: AsyncConnection, principal: Principal, typed: str, now: datetime
) -> datetime | None:
    """``retryAt`` if the login or the case number is locked out, else None."""
    settings = info.context.settings
    limits = Limits(
        per_subject=settings.link_max_failures_per_subject,
        per_case=settings.link_max_failures_per_case,
        window=timedelta(minutes=settings.link_lockout_minutes),
        case_window=timedelta(hours=settings.link_case_lockout_hours),
    )
    failures = (
        await conn.execute(
            _FAILURES,
            {
                "issuer": principal.issuer,
                "subject": principal.subject,
                "case_number": typed,
                "since": now - limits.window,
                "case_since": now - limits.for_case,
            },
        )
    ).all()
    return refused_until(
        [row.attempted_at for row in failures if row.counted_for == "subject"],
        [row.attempted_at for row in failures if row.counted_for == "case"],
        now,
        limits,
    )


async def _verify(
    conn: AsyncConnection, data: LinkAccountInput
) -> tuple[int | None, int | None, bool]:
    """The case's id (if it exists), the party the details prove (if any) and
    whether that person is under a family-violence indicator. The same
    statement and the same comparisons whether the case exists or not, and
    only the case number goes to the database."""
    number = looked_up_case_number(data.case_number)
    rows = (await conn.execute(_PARTICIPANTS, {"case_number": number})).all()
    candidates = [
        Candidate(row.party_id, row.date_of_birth, row.ssn_last4)
        for row in rows
        if row.party_id is not None
    ]
    party_id = matching_party(candidates, data.date_of_birth, data.ssn_last4)
    protected = any(row.family_violence for row in rows if row.party_id == party_id)
    return (rows[0].case_id if rows else None), party_id, protected


def _locked(retry_at: datetime) -> AccountLinkError:
    return AccountLinkError(
        code=AccountLinkErrorCode.ACCOUNT_LOCKED,
        field=None,
        message="Too many attempts. Try again later.",
        retry_at=retry_at,
    )


def _invalid(field: str) -> AccountLinkError:
    return AccountLinkError(
        code=AccountLinkErrorCode.INVALID_INPUT,
        field=field,
        message="This value is far too long.",
    )


async def _link(
    conn: AsyncConnection, principal: Principal, party_id: int
) -> AccountLinkError | None:
    """Insert the identity link, unless this login or the party (for this
    issuer) already has one; then the error to answer with."""
    await _lock(conn, _lock_key("link-party", principal.issuer, party_id))
    taken = (
        await conn.execute(
            _LINKS_IN_THE_WAY,
            {
                "issuer": principal.issuer,
                "subject": principal.subject,
                "party_id": party_id,
            },
        )
    ).scalars()
    subjects = set(taken)
    if principal.subject in subjects:
        return LOGIN_LINKED  # linked by a concurrent request meanwhile
    if subjects:
        # linked to another login already: answered like a wrong guess, so
        # the answer never confirms someone's details
        return NOT_VERIFIED
    await conn.execute(
        insert(IdentityLink).values(
            issuer=principal.issuer, subject=principal.subject, party_id=party_id
        )
    )
    return None


async def _audit(
    info: Info,
    conn: AsyncConnection,
    typed: str,
    case_id: int | None,
    party_id: int | None,
    outcome: AuditOutcome,
    reason: str | None = None,
) -> None:
    audit = info.context.audit
    detail = {"case_number": typed}
    if reason is not None:
        detail["reason"] = reason
    audit.record(
        ACTION,
        case_id=case_id,
        object_type="Party",
        object_id=party_id,
        outcome=outcome,
        detail=detail,
    )
    await audit.write(conn)
