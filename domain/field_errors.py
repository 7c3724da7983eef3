"""Expected failures of a change, as data: a code, the field at fault, a message.

Business rules raise ``Refused`` with one or more ``FieldError``; the
resolver's transaction rolls back (nothing is written) and the payload carries
the errors, each code mapped to the mutation's own GraphQL enum.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.enums import AuditOutcome

#: Codes every mutation's error enum has.
INVALID = "invalid"
REQUIRED = "required"
NOT_FOUND = "not_found"
FORBIDDEN = "forbidden"
CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One reason a change was refused. ``field`` is the input field's
    camelCase path (``address.postalCode``), or None for the whole input."""

    code: str
    field: str | None
    message: str


class Refused(Exception):
    """A change refused for expected reasons; nothing it did is kept.

    ``outcome`` is what the audit records (``DENIED`` when the caller may not
    make this change at all); ``case_id`` the case the attempt was about, when
    it is known and the caller may know it exists.
    """

    def __init__(
        self,
        *errors: FieldError,
        outcome: AuditOutcome = AuditOutcome.FAILED,
        case_id: int | None = None,
    ) -> None:
        super().__init__(", ".join(error.code for error in errors))
        self.errors = list(errors)
        self.outcome = outcome
        self.case_id = case_id


def refuse(code: str, field: str | None, message: str) -> Refused:
    """A refusal with one error."""
    return Refused(FieldError(code, field, message))


NOT_FOUND_ERROR = FieldError(
    NOT_FOUND, None, "Nothing you may change was found with that identifier."
)


def not_found(field: str | None = None) -> Refused:
    """The object does not exist or is not the caller's to change: the same
    answer for both, so a refusal never confirms someone else's record."""
    return Refused(
        FieldError(NOT_FOUND, field, NOT_FOUND_ERROR.message),
        outcome=AuditOutcome.DENIED,
    )
