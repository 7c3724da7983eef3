"""Declared authorization, applied: one field extension reads the rules.

``guard_fields`` attaches a ``Guard`` to every field that
``auth.authorization.rules.FIELDS`` names; the guard asks the policy and
allows, redacts (``null``, or ``[]`` for a list) or refuses the field with a
``FORBIDDEN`` error naming the missing scope, drops the rows of a list the
caller may not see, and audits personal data read by anyone other than its
owner. Resolvers never call the policy.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types.base import (
    StrawberryList,
    StrawberryOptional,
    get_object_definition,
)
from strawberry.types.field import StrawberryField

from auth import audit
from auth.authorization import policy
from auth.authorization.access import NO_ACCESS, CaseAccess, with_related_roles
from auth.authorization.policy import Decision, Outcome
from auth.authorization.rules import FIELDS, TYPES, FieldRule, TypeRule
from db.enums import AuditOutcome, PaymentSource
from schema.context import Context, Info
from schema.enums import PaymentSource as ShownSource
from schema.errors import Forbidden


def _cases_of(rule: TypeRule, row: Any) -> tuple[int | None, list[int]]:
    case_id = getattr(row, rule.case_key, None) if rule.case_key else None
    related: list[int] = []
    if rule.related_cases_key is not None:
        related = list(getattr(row, rule.related_cases_key, None) or ())
    if case_id is None and related:
        # read outside any case (a policy's covered children): the first of
        # its cases stands for the case, roles come from all of them
        case_id = related[0]
    return case_id, related


async def accesses_of(
    ctx: Context, rule: TypeRule, rows: Sequence[Any]
) -> list[CaseAccess]:
    """The principal's access to the case each row was read through (plus
    its parent roles on the row's related cases, if the type has them), from
    one batch of the access loader."""
    wanted = [_cases_of(rule, row) for row in rows]
    keys = {case_id for case_id, _ in wanted if case_id is not None}
    for _, related in wanted:
        keys.update(related)
    ordered = list(keys)
    loaded = await ctx.loaders.access_by_case_id.load_many(ordered)
    found = dict(zip(ordered, loaded, strict=True))
    accesses = []
    for case_id, related in wanted:
        if case_id is None:
            accesses.append(NO_ACCESS)
        elif not related:
            accesses.append(found[case_id])
        else:
            accesses.append(
                with_related_roles(found[case_id], (found[r] for r in related))
            )
    return accesses


async def access_of(ctx: Context, rule: TypeRule, row: Any) -> CaseAccess:
    """``accesses_of`` one row."""
    return (await accesses_of(ctx, rule, [row]))[0]


def _is_list(field: StrawberryField) -> bool:
    kind: Any = field.type
    while isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    return isinstance(kind, StrawberryList)


class Guard(FieldExtension):
    """Applies the ``FieldRule`` declared for one field of one type."""

    def __init__(self, type_name: str, field_name: str, rule: FieldRule) -> None:
        self.type_name = type_name
        self.field_name = field_name
        self.rule = rule
        self.type_rule = TYPES[type_name]
        self.is_list = False

    def apply(self, field: StrawberryField) -> None:
        self.is_list = _is_list(field)

    async def resolve_async(
        self, next_: Any, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        ctx = info.context
        if ctx.principal is None:
            return self.empty()
        access = await access_of(ctx, self.type_rule, source)
        decision = self.decide(ctx, access, source)
        if decision.outcome is Outcome.REDACT:
            return self.empty()
        value = next_(source, info, **kwargs)
        if inspect.isawaitable(value):
            value = await value
        return self.finish(ctx, access, source, decision, value)

    def decide(self, ctx: Context, access: CaseAccess, source: Any) -> Decision:
        """The policy's decision for this field of ``source``; a refusal is
        audited and raised as ``FORBIDDEN`` naming the missing scope."""
        principal = ctx.principal
        assert principal is not None
        owner_key = self.type_rule.owner_key
        owner = getattr(source, owner_key, None) if owner_key else None
        protected = bool(
            self.rule.protected_key and getattr(source, self.rule.protected_key, False)
        )
        decision = policy.decide(principal, self.rule, access, owner, protected)
        if decision.outcome is Outcome.FORBID:
            self._audit(ctx, access, source, AuditOutcome.DENIED)
            raise Forbidden(
                f"{self.field_name} needs the {decision.missing_scope} scope, "
                "granted by both the token and this case's share",
                scope=decision.missing_scope,
            )
        return decision

    def finish(
        self,
        ctx: Context,
        access: CaseAccess,
        source: Any,
        decision: Decision,
        value: Any,
    ) -> Any:
        """The allowed value as this reader gets it: rows they may not see
        dropped, a tax offset's source coarsened, the read audited."""
        principal = ctx.principal
        assert principal is not None
        if self.rule.items is not None and value is not None:
            items = TYPES[self.rule.items]
            value = [
                row
                for row in value
                if not policy.row_hidden(principal, items, access, row)
            ]
        if self.rule.tax_source and value is not None:
            stored = PaymentSource(value.value)
            if policy.payment_source(principal, access, stored) is None:
                value = ShownSource.TAX_OFFSET
        if policy.audited(self.rule, decision):
            self._audit(ctx, access, source, AuditOutcome.ALLOWED)
        return value

    def empty(self) -> Any:
        """What a reader the field is not for gets: ``null``, or ``[]``."""
        return [] if self.is_list else None

    def _audit(
        self, ctx: Context, access: CaseAccess, source: Any, outcome: AuditOutcome
    ) -> None:
        ctx.audit.record(
            audit.READ_PERSONAL,
            case_id=access.case_id or None,
            object_type=self.type_name,
            object_id=getattr(source, "pk", None),
            fields=(self.field_name,),
            outcome=outcome,
        )


def guard_fields(types: Iterable[type]) -> None:
    """Attach a ``Guard`` to each declared field of ``types`` (once); fail if
    a declaration names a field the schema does not have."""
    by_name: dict[str, Any] = {}
    for cls in types:
        found = get_object_definition(cls, strict=True)
        by_name[found.name] = found
    for (type_name, field_name), rule in FIELDS.items():
        definition = by_name.get(type_name)
        if definition is None:
            raise LookupError(f"rules name an unknown type {type_name}")
        matches = [
            f
            for f in definition.fields
            if (f.graphql_name or _camel(f.python_name)) == field_name
        ]
        if not matches:
            raise LookupError(f"rules name an unknown field {type_name}.{field_name}")
        field = matches[0]
        if not any(isinstance(e, Guard) for e in field.extensions):
            guard = Guard(type_name, field_name, rule)
            guard.apply(field)
            field.extensions.append(guard)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
