"""Compiled plans: a parent's whole query as one SQL statement that builds
the answer's JSON in PostgreSQL.

The statement is composed of the loaders' own statements, not of a second
copy of them: each list or object a field reads is the statement its loader
runs, narrowed from the batch's ``:keys`` array to the one parent's key (a
correlated LATERAL subquery), and aggregated with ``json_agg``. Same
columns, same joins, same order, same visibility predicates; the loaders
stay the one place that says how a lookup is made.

Authorization comes from the declarations the guards apply
(``auth.authorization.rules``): for each guarded field the compiler asks
``policy.decide`` (and ``policy.payment_source``) about every situation the
caller kind can be in on a case it reaches (each set of parent roles, the
row being the caller's own or not, the row protected or not), and turns the
answers into SQL: a constant where the answer never changes, a ``CASE`` on
the row's owner or protection column where it changes with those. A field
whose answer would depend on anything else, or would carry an error or an
audit record, is not compiled.

What compiles: queries by a parent (the caller kind whose rules the
compiler enumerates), fields that read a row's column, the declared batched
lists (``execution.batches``) backed by a loader with one statement, the
resolvers listed in ``_RESOLVERS``, connections' ``nodes`` and
``__typename``; leaves of type String, ID, Int, Boolean, Date, DateTime,
Decimal and enums. Anything else raises ``Unsupported`` and the plan runs on the
level-at-a-time executor (``execution.run``) as before. The differential
tests compare compiled answers with Strawberry's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain, combinations
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from sqlalchemy import (
    BigInteger,
    String,
    Text,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import JSON, array
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from auth.authorization import policy
from auth.authorization.access import CaseAccess
from auth.authorization.filters import PRINCIPAL_ID
from auth.authorization.policy import Outcome
from auth.authorization.rules import FIELDS, TYPES, FieldRule, TypeRule
from auth.principal import Principal
from db.enums import ParticipantRole, PaymentSource
from db.models import IdentityLink
from domain.case_number import is_case_number
from execution.batches import BATCHED
from execution.plan import FieldPlan, Plan, Unsupported, converted_arguments
from loaders import Loaders, ids
from loaders.base import ManyByKey
from loaders.case import CasePageArgs
from loaders.paging import PagedLoader, page_of_one
from loaders.payment import PaymentPageArgs
from resolvers.case import OTHER_ROLE, ROLE_ORDER
from resolvers.node import FETCHED
from resolvers.paging import page_request
from schema.enums import PaymentSource as ShownSource

#: Scalars PostgreSQL's JSON writes exactly as the schema serializes them.
_AS_IS = frozenset({"String", "ID", "Int", "Boolean", "Date"})

#: The caller's login, bound at each execution with their id.
_ISSUER = bindparam("issuer", type_=String)
_SUBJECT = bindparam("subject", type_=String)

#: ``[]`` as JSON: a list with no rows.
_EMPTY_LIST = literal_column("'[]'::json", JSON)

#: Every set of parent roles a caller can hold on a case it reaches.
_ROLE_SETS = [
    frozenset(found)
    for found in chain.from_iterable(
        combinations(list(ParticipantRole), n)
        for n in range(1, len(ParticipantRole) + 1)
    )
]


class Elsewhere(Exception):
    """This request's variables take a compiled operation where the statement
    does not go (a ``node`` ID of a type it does not fetch): the request runs
    a level at a time."""


@dataclass(frozen=True, slots=True)
class _Parameter:
    """A statement parameter computed from one field's arguments, which hold
    variables: given the arguments as the resolver would get them, its value
    (``Elsewhere`` when the statement does not answer for them)."""

    name: str
    field: FieldPlan
    value: Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Compiled:
    """One statement answering the whole operation: its single row's single
    column is the ``data`` object, as JSON text. Its parameters are the
    caller's id and those computed from the variables (``parameters``)."""

    statement: Any
    parameters: tuple[_Parameter, ...] = ()

    def values(self, variables: Any, config: Any, scalars: Any) -> dict[str, Any]:
        """The parameters' values for one request's coerced variables."""
        found: dict[str, Any] = {}
        for parameter in self.parameters:
            arguments = converted_arguments(parameter.field, variables, config, scalars)
            found[parameter.name] = parameter.value(arguments)
        return found


@dataclass(frozen=True, slots=True)
class _Source:
    """A loader's statement narrowed to one parent, cut to the columns the
    selection uses only once it is known (``cut``)."""

    #: The LATERAL subquery's alias; the selection names its columns in text.
    name: str
    types: Mapping[str, Any]
    cut: Callable[[frozenset[str]], Any]


@dataclass(frozen=True, slots=True)
class _Row:
    """The object a field is selected on: a row of ``source`` (None at the
    root), and the columns the selection has used of it."""

    type_name: str
    source: _Source | None
    used: set[str]

    def column(self, key: str) -> ColumnElement[Any]:
        """The row's column ``key``, named in the text: subqueries nested at
        any depth refer to it without SQLAlchemy adding the source to their
        FROM lists (PostgreSQL resolves it to the enclosing query)."""
        if self.source is None or key not in self.source.types:
            raise Unsupported(f"{self.type_name} has no {key}")
        self.used.add(key)
        return literal_column(f"{self.source.name}.{key}", self.source.types[key])

    def lateral(self) -> Any:
        """The source cut to what was used, as the FROM of the selection."""
        assert self.source is not None
        return self.source.cut(frozenset(self.used)).lateral(self.source.name)


Handler = Callable[["Compiler", FieldPlan, _Row], ColumnElement[Any]]


class Compiler:
    """Compiles plans for one principal kind (parents)."""

    def __init__(
        self, principal: Principal, max_page_size: int, config: Any, scalars: Any
    ) -> None:
        if not principal.is_party:
            raise Unsupported("only parents' queries compile")
        self.principal = principal
        self.max_page_size = max_page_size
        self.config = config
        self.scalars = scalars
        # request-independent loader instances: their statements only
        self.loaders = Loaders(None, date.today(), principal)  # type: ignore[arg-type]
        self._names = 0
        self._parameters: list[_Parameter] = []

    def compile(self, plan: Plan) -> Compiled:
        pairs: list[Any] = []
        root = _Row(plan.root_type.name, None, set())
        for field in plan.fields:
            pairs += [literal(field.key), self._value(field, root)]
        # as text: the driver hands it over untouched, orjson parses it
        built = cast(func.json_build_object(*pairs), Text)
        # null when the caller's login is no longer linked to the party
        # (their principal may have been remembered: ``Caller.remembered``)
        linked = exists().where(
            IdentityLink.issuer == _ISSUER,
            IdentityLink.subject == _SUBJECT,
            IdentityLink.party_id == PRINCIPAL_ID,
        )
        answer = case((linked, built), else_=null())
        statement = _inlined(select(answer.label("data")))
        return Compiled(statement, tuple(self._parameters))

    # --- fields ------------------------------------------------------------

    def _value(self, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
        if field.name == "__typename":
            return literal(row.type_name)
        assert field.strawberry is not None
        value = self._unguarded(field, row)
        rule = FIELDS.get((row.type_name, field.name))
        if rule is None:
            return value
        return self._guarded(field, row, rule, value)

    def _unguarded(self, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
        handler = _RESOLVERS.get((row.type_name, field.name))
        if handler is not None:
            return handler(self, field, row)
        batched = BATCHED.get((row.type_name, field.name))
        if batched is not None:
            loader = getattr(self.loaders, batched.loader)
            if not isinstance(loader, ManyByKey):
                raise Unsupported(f"{row.type_name}.{field.name} is not one list")
            return self._list(field, self.many(loader.query(), row.column(batched.key)))
        assert field.strawberry is not None
        if field.strawberry.base_resolver is not None:
            raise Unsupported(f"{row.type_name}.{field.name} has a resolver")
        return self._leaf(field, row.column(field.strawberry.python_name))

    def _leaf(self, field: FieldPlan, column: Any) -> ColumnElement[Any]:
        named = get_named_type(field.return_type)
        if is_list_type(_nullable(field)):
            raise Unsupported(f"{field.name} is a list of values")
        if isinstance(named, GraphQLEnumType):
            return case(
                *(
                    (column == _stored(column, value.value), name)
                    for name, value in named.values.items()
                ),
                else_=null(),
            )
        if isinstance(named, GraphQLScalarType):
            if named.name in _AS_IS:
                return column  # type: ignore[no-any-return]
            if named.name == "Decimal":
                return cast(column, Text)
            if named.name == "DateTime":
                return date_time_text(column)
        raise Unsupported(f"{field.name} of type {named.name}")

    def _object(self, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
        """``json_build_object`` of ``field``'s selection on ``row``."""
        pairs: list[Any] = []
        for child in field.children.get(row.type_name, ()):
            pairs += [literal(child.key), self._value(child, row)]
        return func.json_build_object(*pairs)

    def _object_type(self, field: FieldPlan) -> str:
        named = get_named_type(field.return_type)
        if not isinstance(named, GraphQLObjectType):
            raise Unsupported(f"{field.name} is abstract")
        return named.name

    def _row(self, field: FieldPlan, source: _Source) -> _Row:
        return _Row(self._object_type(field), source, set())

    def _list(self, field: FieldPlan, source: _Source) -> ColumnElement[Any]:
        """A JSON array of ``field``'s objects, one per row of ``source``,
        in the rows' order."""
        row = self._row(field, source)
        built = self._object(field, row)
        aggregated = func.coalesce(func.json_agg(built), _EMPTY_LIST)
        return select(aggregated).select_from(row.lateral()).scalar_subquery()

    def _one(
        self,
        field: FieldPlan,
        source: _Source,
        where: Callable[[_Row], Any] | None = None,
        type_name: str | None = None,
    ) -> ColumnElement[Any]:
        """``field``'s object (of ``type_name`` when the field is abstract)
        from the first row of ``source`` (that ``where`` holds for), or
        null."""
        row = _Row(type_name or self._object_type(field), source, set())
        built = self._object(field, row)
        query = select(built)
        if where is not None:
            query = query.where(where(row))
        return query.select_from(row.lateral()).limit(1).scalar_subquery()

    def _connection(
        self, field: FieldPlan, source: _Source, size: int | None = None
    ) -> ColumnElement[Any]:
        """A connection of which ``nodes`` and ``__typename`` are selected
        (the rows, in order), and ``pageInfo { hasNextPage }`` when ``size``
        is given: ``source`` then reads one row past the page, which says
        whether a next page exists."""
        type_name = self._object_type(field)
        children = field.children.get(type_name, ())
        page = None
        if size is not None:
            # one pass over the page's rows: their count, and each ``nodes``
            # selection's objects as an array (sliced to the page below)
            row = _Row(type_name, source, set())
            arrays: dict[str, Any] = {}
            for child in children:
                if child.name == "nodes":
                    row = _Row(self._object_type(child), source, row.used)
                    built = self._object(child, row)
                    label = f"a{len(arrays)}"
                    arrays[child.key] = func.array_agg(built).label(label)
            page = (
                select(func.count().label("n"), *arrays.values())
                .select_from(row.lateral())
                .subquery(self._name())
            )
        pairs: list[Any] = []
        for child in children:
            if child.name == "__typename":
                pairs += [literal(child.key), literal(type_name)]
            elif child.name == "nodes" and page is None:
                pairs += [literal(child.key), self._list(child, source)]
            elif child.name == "nodes" and page is not None:
                items = page.c[arrays[child.key].name][1:size]
                listed = func.coalesce(func.array_to_json(items), _EMPTY_LIST)
                pairs += [literal(child.key), listed]
            elif child.name == "pageInfo" and page is not None:
                pairs += [literal(child.key), self._page_info(child, page.c.n > size)]
            else:
                raise Unsupported(f"{type_name}.{child.name}")
        built = func.json_build_object(*pairs)
        if page is None:
            return built
        return select(built).select_from(page).scalar_subquery()

    def _page_info(
        self, field: FieldPlan, has_next: ColumnElement[bool]
    ) -> ColumnElement[Any]:
        type_name = self._object_type(field)
        pairs: list[Any] = []
        for child in field.children.get(type_name, ()):
            if child.name == "__typename":
                pairs += [literal(child.key), literal(type_name)]
            elif child.name == "hasNextPage":
                pairs += [literal(child.key), has_next]
            else:
                raise Unsupported(f"{type_name}.{child.name}")
        return func.json_build_object(*pairs)

    def page(
        self,
        field: FieldPlan,
        loader: PagedLoader[Any],
        args: Any,
        key: ColumnElement[Any],
        size: int,
    ) -> ColumnElement[Any]:
        """``field``, a connection, as the page of ``size`` rows the loader
        reads for ``key`` (and the row after it, when ``pageInfo`` is
        selected)."""
        type_name = self._object_type(field)
        paged = any(c.name == "pageInfo" for c in field.children.get(type_name, ()))
        source = self.paged(loader, args, key, size + 1 if paged else size)
        return self._connection(field, source, size if paged else None)

    def _arguments(self, field: FieldPlan) -> dict[str, Any]:
        """The resolver's arguments, converted as Strawberry converts them
        (written in the document: the statement depends on them)."""
        if field.uses_variables:
            raise Unsupported(f"{field.name} takes variables")
        return converted_arguments(field, None, self.config, self.scalars)

    def parameter(
        self,
        field: FieldPlan,
        value: Callable[[Mapping[str, Any]], Any],
        type_: Any,
    ) -> ColumnElement[Any]:
        """What ``value`` computes from ``field``'s arguments, as SQL: a
        parameter bound at each execution when they hold variables, else a
        constant."""
        if not field.uses_variables:
            try:
                return literal(value(self._arguments(field)), type_)
            except Elsewhere as exc:
                raise Unsupported(f"{field.name}: {exc}") from exc
        name = f"p{len(self._parameters) + 1}"
        self._parameters.append(_Parameter(name, field, value))
        return bindparam(name, type_=type_)

    # --- a loader's batch statement, for one parent ------------------------

    def _name(self) -> str:
        self._names += 1
        return f"r{self._names}"

    def many(self, statement: Any, key: ColumnElement[Any]) -> _Source:
        """The rows a ``ManyByKey`` loader's ``statement`` reads for ``key``
        (the batch's ``:keys`` array made ``ARRAY[key]``)."""
        narrowed = _bound(statement, {"keys": array([key])})
        types = {c.key: c.type for c in narrowed.selected_columns}
        return _Source(self._name(), types, lambda used: _only(narrowed, used))

    def paged(
        self, loader: PagedLoader[Any], args: Any, key: ColumnElement[Any], size: int
    ) -> _Source:
        """The first ``size`` rows a ``PagedLoader`` reads for ``key``: its
        page query cut to the columns used, composed as the loader composes
        it for each parent (``page_of_one``)."""
        paging = loader.paging(args)
        values = loader.values(args)
        types = {c.key: c.type for c in paging.inner.selected_columns}
        ordered = frozenset(name for name, _ in paging.order)

        def cut(used: frozenset[str]) -> Any:
            inner = _only(paging.inner, used | ordered)
            page = page_of_one(inner, paging.parent, key, paging.order, size)
            return _bound(page, values)

        return _Source(self._name(), types, cut)

    # --- guards --------------------------------------------------------------

    def _guarded(
        self, field: FieldPlan, row: _Row, rule: FieldRule, value: ColumnElement[Any]
    ) -> ColumnElement[Any]:
        """``value`` where the declared rule lets a parent read it, else what
        the guard gives instead (null, or an empty list)."""
        type_rule = TYPES[row.type_name]
        if rule.items is not None:
            raise Unsupported(f"{row.type_name}.{field.name} drops rows")
        allowed: list[tuple[bool, bool]] = []
        outcomes: dict[tuple[bool, bool], set[Outcome]] = {}
        for roles, owner, protected in _situations(type_rule, rule):
            decision = self._decide(rule, type_rule, roles, owner, protected)
            if decision.outcome is Outcome.FORBID:
                raise Unsupported(f"{row.type_name}.{field.name} may be refused")
            if decision.outcome is Outcome.ALLOW and policy.audited(rule, decision):
                raise Unsupported(f"{row.type_name}.{field.name} is audited")
            outcomes.setdefault((owner, protected), set()).add(decision.outcome)
        for situation, found in outcomes.items():
            if len(found) > 1:
                raise Unsupported(
                    f"{row.type_name}.{field.name} depends on the caller's roles"
                )
            if Outcome.ALLOW in found:
                allowed.append(situation)
        if len(allowed) == len(outcomes):
            return value
        empty: ColumnElement[Any] = (
            _EMPTY_LIST if is_list_type(_nullable(field)) else null()
        )
        if not allowed:
            return empty
        condition = or_(
            *(
                self._situation(row, type_rule, rule, owner, protected)
                for owner, protected in allowed
            )
        )
        return case((condition, value), else_=empty)

    def _situation(
        self,
        row: _Row,
        type_rule: TypeRule,
        rule: FieldRule,
        owner: bool,
        protected: bool,
    ) -> ColumnElement[bool]:
        """SQL true for a row in this situation (owner, protected)."""
        conditions: list[ColumnElement[bool]] = []
        if type_rule.owner_key is not None:
            mine = row.column(type_rule.owner_key) == PRINCIPAL_ID
            conditions.append(mine if owner else ~mine)
        if rule.protected_key is not None:
            flag = row.column(rule.protected_key).is_(true())
            conditions.append(flag if protected else ~flag)
        if not conditions:
            return true()
        found = conditions[0]
        for more in conditions[1:]:
            found = found & more
        return found

    def _decide(
        self,
        rule: FieldRule,
        type_rule: TypeRule,
        roles: frozenset[ParticipantRole],
        owner: bool,
        protected: bool,
    ) -> policy.Decision:
        owner_id = None
        if type_rule.owner_key is not None:
            owner_id = self.principal.id if owner else -1
        return policy.decide(
            self.principal, rule, CaseAccess(1, roles), owner_id, protected
        )

    def _access(self) -> Iterator[CaseAccess]:
        for roles in _ROLE_SETS:
            yield CaseAccess(1, roles)


def _situations(
    type_rule: TypeRule, rule: FieldRule
) -> Iterator[tuple[frozenset[ParticipantRole], bool, bool]]:
    owners = (False, True) if type_rule.owner_key is not None else (False,)
    protections = (False, True) if rule.protected_key is not None else (False,)
    for roles in _ROLE_SETS:
        for owner in owners:
            for protected in protections:
                yield roles, owner, protected


def _bound(statement: Any, values: Mapping[str, Any]) -> Any:
    """``statement`` with the parameters named in ``values`` replaced, each
    subquery its own: by the expression given (``:keys`` made one parent's
    ``ARRAY[key]``), or by the value given, of the parameter's type."""

    def replace(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in values:
            value = values[element.key]
            if isinstance(value, ColumnElement):
                return value
            return literal(value, element.type)
        return None

    return visitors.replacement_traverse(statement, {}, replace)


#: The parameters bound for each caller.
_PER_CALLER = frozenset({"principal_id", "issuer", "subject"})


def _inlined(statement: Any) -> Any:
    """``statement`` with its constants written into the text: the caller's
    id and login are then its only parameters besides the variables' (the
    values to send per execution, not one per key, enum value and
    identifier prefix)."""
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]

    def replace(element: Any, **_: Any) -> Any:
        if not isinstance(element, BindParameter) or element.key in _PER_CALLER:
            return None
        if element.callable is not None or element.expanding:
            return None
        if element.value is None or isinstance(element.value, list | tuple):
            return None
        process: Any = element.type.literal_processor(dialect)
        if process is None:
            return None
        return literal_column(process(element.value), element.type)

    return visitors.replacement_traverse(statement, {}, replace)


def _only(statement: Any, used: frozenset[str]) -> Any:
    """``statement`` selecting only the columns named in ``used`` (PostgreSQL
    computes every column of a LATERAL subquery with a LIMIT or an ORDER BY,
    used or not: identifiers, indicators, arrays of ids)."""
    columns = [c for c in statement.selected_columns if c.key in used]
    if not columns:
        columns = list(statement.selected_columns)[:1]
    return statement.with_only_columns(*columns, maintain_column_froms=True)


def date_time_text(column: Any) -> ColumnElement[Any]:
    """A date-time column as the schema writes it (Python's ``isoformat``
    of what the driver reads: in UTC, with ``+00:00``, for a column with a
    time zone; fractional seconds only when there are some: ``.000000`` can
    only be the fraction, the seconds before it being two digits)."""
    aware = bool(getattr(column.type, "timezone", False))
    local = func.timezone("UTC", column) if aware else column
    text = func.replace(
        func.to_char(local, 'YYYY-MM-DD"T"HH24:MI:SS.US'), ".000000", ""
    )
    return text + literal("+00:00") if aware else text


def _stored(column: Any, value: Any) -> ColumnElement[Any]:
    """``value`` (an enum's value) as ``column`` stores it."""
    enum_class = getattr(column.type, "enum_class", None)
    return literal(enum_class(value) if enum_class else value, column.type)


def _nullable(field: FieldPlan) -> Any:
    kind = field.return_type
    return kind.of_type if is_non_null_type(kind) else kind


# --- resolvers the compiler knows ---------------------------------------------


def _viewer(compiler: Compiler, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
    """``viewer``: the calling parent's own record."""
    statement = compiler.loaders.party_by_id.query()
    return compiler._one(field, compiler.many(statement, PRINCIPAL_ID))


def _viewer_cases(
    compiler: Compiler, field: FieldPlan, row: _Row
) -> ColumnElement[Any]:
    """``Viewer.cases``: a first page (no ``after``) of the parent's cases."""
    arguments = compiler._arguments(field)
    if arguments.get("after") is not None:
        raise Unsupported("Viewer.cases after a cursor")
    size = _page_size(arguments.get("first"), compiler.max_page_size)
    args = CasePageArgs(size, None, bool(arguments.get("open_only")))
    loader = compiler.loaders.cases_by_party_id
    return compiler.page(field, loader, args, row.column("pk"), size)


def _order_payments(
    compiler: Compiler, field: FieldPlan, row: _Row
) -> ColumnElement[Any]:
    """``Order.payments``: a first page of the order's payments."""
    arguments = compiler._arguments(field)
    if arguments.get("after") is not None:
        raise Unsupported("Order.payments after a cursor")
    since, until = arguments.get("since"), arguments.get("until")
    if since is not None and until is not None and since > until:
        raise Unsupported("an empty date range (an error)")
    size = _page_size(arguments.get("first"), compiler.max_page_size)
    args = PaymentPageArgs(size, None, since, until)
    loader = compiler.loaders.payments_by_order_id
    return compiler.page(field, loader, args, row.column("pk"), size)


def _case(compiler: Compiler, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
    """``Query.case``: the case of that number the caller reaches, or null
    (``resolvers.case.by_number``)."""
    number = compiler.parameter(field, _case_number, String())
    statement = compiler.loaders.case_by_number.query()
    return compiler._one(field, compiler.many(statement, number))


def _case_number(arguments: Mapping[str, Any]) -> str | None:
    """The number looked up: none for what cannot be a case number."""
    number: str = arguments["number"]
    return number if is_case_number(number) else None


def _node(compiler: Compiler, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
    """``Query.node`` for the IDs of cases (``resolvers.node``): the case the
    caller reaches, or null; an ID of another type ``node`` fetches runs a
    level at a time."""
    pk = compiler.parameter(field, _case_id, BigInteger())
    statement = compiler.loaders.case_by_id.query()
    return compiler._one(field, compiler.many(statement, pk), type_name="Case")


def _case_id(arguments: Mapping[str, Any]) -> int | None:
    decoded = ids.decode(arguments["id"])
    if decoded is None:
        return None
    type_name, pk = decoded
    if type_name == "Case":
        return pk
    if type_name in FETCHED:
        raise Elsewhere(f"a {type_name} ID")
    return None


def _page_size(first: int | None, maximum: int) -> int:
    try:
        size, _ = page_request(first, None, maximum, "", str)
    except Exception as exc:  # a refusal: Strawberry answers it
        raise Unsupported("a page size out of range") from exc
    return size


def _other_party(compiler: Compiler, field: FieldPlan, row: _Row) -> ColumnElement[Any]:
    """``Case.otherParty``: the first participant in the role opposite the
    caller's first role on the case (``resolvers.case.other_party``)."""
    roles = row.column("access_roles")
    participants = compiler.loaders.participants_by_case_id.query()
    source = compiler.many(participants, row.column("pk"))
    kind = source.types["role"]
    wanted = case(
        *(
            (literal(mine, kind) == roles.any_(), literal(OTHER_ROLE[mine], kind))
            for mine in ROLE_ORDER
        ),
        else_=null(),
    )
    return compiler._one(field, source, lambda party: party.column("role") == wanted)


def _participant_party(
    compiler: Compiler, field: FieldPlan, row: _Row
) -> ColumnElement[Any]:
    """``Participant.party``: the participant's own row."""
    return compiler._object(
        field, _Row(compiler._object_type(field), row.source, row.used)
    )


def _payment_source(
    compiler: Compiler, field: FieldPlan, row: _Row
) -> ColumnElement[Any]:
    """``Payment.source`` as the caller may see it: the declared rule's tax
    coarsening (``policy.payment_source``), the same for every set of roles
    a parent may hold, else not compiled."""
    rule = FIELDS[("Payment", "source")]
    named = get_named_type(field.return_type)
    assert isinstance(named, GraphQLEnumType)
    names = {value.value: name for name, value in named.values.items()}
    shown: dict[PaymentSource, str] = {}
    for stored in PaymentSource:
        seen = {
            policy.payment_source(compiler.principal, access, stored)
            for access in compiler._access()
        }
        if len(seen) != 1:
            raise Unsupported("Payment.source depends on the caller's roles")
        visible = seen.pop() if rule.tax_source else stored
        member = ShownSource.TAX_OFFSET if visible is None else ShownSource(str(stored))
        shown[stored] = names[member.value]
    column = row.column("source")
    return case(
        *((column == literal(s, column.type), name) for s, name in shown.items()),
        else_=null(),
    )


_RESOLVERS: Mapping[tuple[str, str], Handler] = {
    ("Query", "viewer"): _viewer,
    ("Query", "case"): _case,
    ("Query", "node"): _node,
    ("Viewer", "cases"): _viewer_cases,
    ("Order", "payments"): _order_payments,
    ("Case", "otherParty"): _other_party,
    ("Participant", "party"): _participant_party,
    ("Payment", "source"): _payment_source,
}
