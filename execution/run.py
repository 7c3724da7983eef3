"""The executor: walks a plan a level at a time, with no per-field machinery.

For each field of a level it resolves every parent at once: a declared batch
is one ``load_many``; a resolver is called per parent with its arguments
converted once (Strawberry's own conversion) and the calls awaited together,
so their loader lookups still make one statement; a plain attribute is read
off the rows. A guarded field asks the same guard Strawberry's field
extension uses (``schema.permissions.Guard``): accesses for the whole level
in one batch, then the declared policy per row. Values are serialized by the
schema's own scalar and enum serializers into plain dicts and lists.

Anything that would make the answer carry an error (a refusal, a null where
the schema says non-null, a resolver raising, a database failure) stops the
planned run with ``Fallback`` (its cause attached); nothing has been written
(audit records are kept in the request's own log, dropped with it). The view
then has Strawberry run the operation, producing the error exactly as it
always has; a database failure or timeout it answers at once instead.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues
from graphql.pyutils import Undefined

from auth.authorization.policy import Outcome
from auth.principal import Principal
from execution.compile import Compiled, Compiler, Elsewhere
from execution.plan import (
    FieldPlan,
    Plan,
    Planner,
    Unsupported,
    converted_arguments,
)
from loaders.base import Source, read
from schema.context import Context
from schema.permissions import accesses_of

#: Serialized values kept per enum type, at most.
_MAX_ENUM_VALUES = 256


class Fallback(Exception):
    """The planned run stopped; Strawberry answers (the message says why)."""


log = logging.getLogger("gateway.execution")


@dataclass(slots=True)
class _Info:
    """What resolvers read of Strawberry's ``Info``: the context."""

    context: Context


class Executor:
    def __init__(self, schema: Any, capacity: int = 256) -> None:
        self.planner = Planner(schema._schema, capacity)
        self.config = schema.config
        self.scalars = schema.schema_converter.scalar_registry
        self._enums: dict[str, dict[tuple[type, Any], Any]] = {}

    def compiled(self, plan: Plan, context: Context) -> Compiled:
        """``plan`` as one statement for the context's caller (compiled on
        the first call, kept on the plan); ``Unsupported`` when it does not
        compile, and the plan runs a level at a time."""
        principal = context.principal
        if principal is None or not principal.is_party:
            # plans are kept per kind of caller, which a parent shares with
            # a login not linked yet: the plan keeps what parents get
            raise Unsupported("only parents' queries compile")
        found = plan.compiled
        if found is None:
            try:
                compiler = Compiler(
                    principal,
                    context.settings.max_page_size,
                    self.config,
                    self.scalars,
                )
                found = compiler.compile(plan)
            except Unsupported as exc:
                found = str(exc)
            except Exception as exc:
                # a defect of the compiler: the plan runs a level at a time
                log.exception("compiling a plan failed")
                found = f"compiling failed ({type(exc).__name__})"
            plan.compiled = found
        if isinstance(found, str):
            raise Unsupported(found)
        return found  # type: ignore[no-any-return]

    async def run_compiled(
        self,
        compiled: Compiled,
        source: Source,
        principal: Principal,
        variables: VariableValues | None,
    ) -> dict[str, Any] | None:
        """The operation's ``data``, built by PostgreSQL in one statement
        (None when the caller's login is no longer linked to them);
        ``Elsewhere`` when the variables take it where the statement does
        not go."""
        try:
            params = compiled.values(variables, self.config, self.scalars)
        except Elsewhere:
            raise
        except Exception as exc:
            raise Fallback(type(exc).__name__) from exc
        params["principal_id"] = principal.id
        params["issuer"] = principal.issuer
        params["subject"] = principal.subject
        try:
            rows = await read(source, compiled.statement, params)
            text = rows[0].data
            data: dict[str, Any] | None = None if text is None else orjson.loads(text)
        except Exception as exc:
            raise Fallback(type(exc).__name__) from exc
        return data

    async def run(
        self, plan: Plan, context: Context, variables: VariableValues | None
    ) -> dict[str, Any]:
        """The operation's ``data``; ``Fallback`` if it cannot be answered
        here exactly as Strawberry would."""
        info = _Info(context)
        try:
            done = await self._object(
                plan.fields, plan.root_type, [None], info, variables
            )
        except Fallback:
            raise
        except Exception as exc:
            raise Fallback(type(exc).__name__) from exc
        return done[0]

    async def _object(
        self,
        fields: list[FieldPlan],
        kind: GraphQLObjectType,
        parents: list[Any],
        info: _Info,
        variables: VariableValues | None,
    ) -> list[dict[str, Any]]:
        outs: list[dict[str, Any]] = [{} for _ in parents]
        for plan in fields:
            if plan.strawberry is None:
                for out in outs:
                    out[plan.key] = kind.name
                continue
            raw = await self._resolve(plan, parents, info, variables)
            values = await self._complete(plan, plan.return_type, raw, info, variables)
            key = plan.key
            for out, value in zip(outs, values, strict=True):
                out[key] = value
        return outs

    async def _resolve(
        self,
        plan: FieldPlan,
        parents: list[Any],
        info: _Info,
        variables: VariableValues | None,
    ) -> list[Any]:
        guard = plan.guard
        if guard is None:
            return await self._values(plan, parents, info, variables)
        ctx = info.context
        if ctx.principal is None:
            return [guard.empty() for _ in parents]
        accesses = await accesses_of(ctx, guard.type_rule, parents)
        decisions = [
            guard.decide(ctx, access, parent)
            for access, parent in zip(accesses, parents, strict=True)
        ]
        allowed = [
            n for n, d in enumerate(decisions) if d.outcome is not Outcome.REDACT
        ]
        found = (
            await self._values(plan, [parents[n] for n in allowed], info, variables)
            if allowed
            else []
        )
        result = [guard.empty() for _ in parents]
        for n, value in zip(allowed, found, strict=True):
            result[n] = guard.finish(ctx, accesses[n], parents[n], decisions[n], value)
        return result

    async def _values(
        self,
        plan: FieldPlan,
        parents: list[Any],
        info: _Info,
        variables: VariableValues | None,
    ) -> list[Any]:
        field = plan.strawberry
        assert field is not None
        batched = plan.batched
        if batched is not None:
            loader = getattr(info.context.loaders, batched.loader)
            keys = [getattr(parent, batched.key) for parent in parents]
            return list(await loader.load_many(keys))
        resolver = field.base_resolver
        if resolver is None:
            name = field.python_name
            return [getattr(parent, name) for parent in parents]
        kwargs = self._arguments(plan, info, variables)
        with_self = resolver.self_parameter is not None
        as_kwargs = [
            p.name
            for p in (resolver.parent_parameter, resolver.root_parameter)
            if p is not None
        ]
        results: list[Any] = []
        pending: list[int] = []
        for parent in parents:
            call = kwargs
            if as_kwargs:
                call = {**kwargs, **dict.fromkeys(as_kwargs, parent)}
            value = field.get_result(parent, info, [parent] if with_self else [], call)  # type: ignore[arg-type]
            if inspect.isawaitable(value):
                pending.append(len(results))
            results.append(value)
        if pending:
            done = await asyncio.gather(*(results[n] for n in pending))
            for n, value in zip(pending, done, strict=True):
                results[n] = value
        return results

    def _arguments(
        self, plan: FieldPlan, info: _Info, variables: VariableValues | None
    ) -> dict[str, Any]:
        """The resolver's keyword arguments, converted as Strawberry converts
        them (kept on the plan when no variable is involved)."""
        converted = plan.arguments
        if converted is None:
            converted = converted_arguments(plan, variables, self.config, self.scalars)
            if not plan.uses_variables:
                plan.arguments = converted
        resolver = plan.strawberry.base_resolver  # type: ignore[union-attr]
        parameter = resolver.info_parameter if resolver is not None else None
        if parameter is not None:
            return {**converted, parameter.name: info}
        return converted

    def _enum_values(
        self, plan: FieldPlan, kind: GraphQLEnumType, raw: list[Any]
    ) -> list[Any]:
        """Enum values serialized by the schema's enum, each distinct value
        once per process (an enum has few values)."""
        known = self._enums.setdefault(kind.name, {})
        done: list[Any] = []
        for value in raw:
            if value is None:
                done.append(None)
                continue
            key = (type(value), value)
            shown = known.get(key, Undefined)
            if shown is Undefined:
                shown = kind.serialize(value)
                if shown is None or shown is Undefined:
                    raise Fallback(f"{plan.name} does not serialize")
                if len(known) < _MAX_ENUM_VALUES:
                    known[key] = shown
            done.append(shown)
        return done

    async def _complete(
        self,
        plan: FieldPlan,
        kind: GraphQLOutputType,
        raw: list[Any],
        info: _Info,
        variables: VariableValues | None,
    ) -> list[Any]:
        if isinstance(kind, GraphQLNonNull):
            done = await self._complete(plan, kind.of_type, raw, info, variables)
            if any(value is None for value in done):
                raise Fallback(f"null for non-null {plan.name}")
            return done
        if isinstance(kind, GraphQLList):
            flat: list[Any] = []
            sizes: list[int | None] = []
            for value in raw:
                if value is None:
                    sizes.append(None)
                else:
                    items = list(value)
                    sizes.append(len(items))
                    flat.extend(items)
            items_done = await self._complete(plan, kind.of_type, flat, info, variables)
            grouped: list[Any] = []
            start = 0
            for size in sizes:
                if size is None:
                    grouped.append(None)
                else:
                    grouped.append(items_done[start : start + size])
                    start += size
            return grouped
        if is_leaf_type(kind):
            serialize = kind.serialize
            done = []
            for value in raw:
                if value is None:
                    done.append(None)
                    continue
                shown = serialize(value)
                if shown is None or shown is Undefined:
                    raise Fallback(f"{plan.name} does not serialize")
                done.append(shown)
            return done
        result: list[Any] = [None] * len(raw)
        by_type: dict[str, list[int]] = {}
        if is_abstract_type(kind):
            resolve_type: Any = kind.resolve_type
            if resolve_type is None:
                raise Fallback(f"no type resolver for {plan.name}")
            for n, value in enumerate(raw):
                if value is not None:
                    name = resolve_type(value, None, kind)
                    if not isinstance(name, str) or name not in plan.children:
                        raise Fallback(f"type of {plan.name} not resolved")
                    by_type.setdefault(name, []).append(n)
        else:
            by_type[kind.name] = [n for n, value in enumerate(raw) if value is not None]
        schema = self.planner.schema
        for name, positions in by_type.items():
            if not positions:
                continue
            concrete = schema.get_type(name)
            assert isinstance(concrete, GraphQLObjectType)
            outs = await self._object(
                plan.children[name],
                concrete,
                [raw[n] for n in positions],
                info,
                variables,
            )
            for n, out in zip(positions, outs, strict=True):
                result[n] = out
        return result
