"""The declarations are complete and name only what the schema has."""

from __future__ import annotations

import dataclasses

from auth.authorization.rules import (
    FIELDS,
    MUTATIONS,
    OPEN_FIELDS,
    TYPES,
    FieldRule,
    Relation,
    TypeRule,
)
from schema.build import build_schema
from schema.permissions import Guard

GUARDED_TYPES = ("Party", "Child", "Case", "Payment")


def _fields(type_name: str) -> set[str]:
    found = build_schema()._schema.get_type(type_name)
    return set(found.fields)  # type: ignore[union-attr]


def test_every_field_of_a_guarded_type_is_declared_or_open() -> None:
    # A new field on these types must be given a rule or listed as open to
    # everyone who reaches the object: forgetting both fails here.
    for type_name in GUARDED_TYPES:
        declared = {name for (kind, name) in FIELDS if kind == type_name}
        assert _fields(type_name) == declared | OPEN_FIELDS[type_name], type_name
        assert not declared & OPEN_FIELDS[type_name], type_name


def test_every_declared_field_carries_its_guard() -> None:
    schema = build_schema()
    for type_name, field_name in FIELDS:
        definition = schema.get_type_by_name(type_name)
        assert definition is not None
        matching = [
            field
            for field in definition.fields  # type: ignore[union-attr]
            if schema.config.name_converter.get_graphql_name(field) == field_name
        ]
        assert len(matching) == 1, (type_name, field_name)
        guards = [e for e in matching[0].extensions if isinstance(e, Guard)]
        assert len(guards) == 1, (type_name, field_name)
        assert guards[0].rule is FIELDS[(type_name, field_name)]


def test_declarations_are_plain_data() -> None:
    # a query compiler reads these: only enums, strings, frozensets, booleans
    rules: list[FieldRule | TypeRule] = [*FIELDS.values(), *TYPES.values()]
    for rule in rules:
        assert all(isinstance(r, Relation) for r in rule.readers)
        values = [getattr(rule, f.name) for f in dataclasses.fields(rule)]
        assert values
        for value in values:
            assert isinstance(value, str | bool | frozenset | type(None)), value


def test_no_rule_lets_a_parent_read_personal_data_of_others() -> None:
    for (type_name, field_name), rule in FIELDS.items():
        if rule.personal is not None and type_name == "Party":
            assert not rule.readers & {Relation.PARENT, Relation.CUSTODIAN}, field_name
        if rule.personal is not None and type_name == "Child":
            assert Relation.PARENT not in rule.readers, field_name


def test_every_mutation_has_a_declared_rule_and_every_rule_a_mutation() -> None:
    # a new mutation without a rule in MUTATIONS could not say who may call
    # it; linkAccount is the one change of a login not linked yet
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    assert set(mutation.fields) == set(MUTATIONS) | {"linkAccount"}
