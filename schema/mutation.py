"""The root Mutation type."""

from __future__ import annotations

import strawberry

from resolvers import link_account as link_account_resolvers
from schema.account import LinkAccountInput, LinkAccountPayload
from schema.context import Info


@strawberry.type
class Mutation:
    """Every change a caller may make. Only account linking so far; more
    mutations will join here, each a field with its ``<Verb><Noun>Input`` and
    ``<Verb><Noun>Payload`` in its domain's schema module, its work in
    ``resolvers/``, one transaction each, and expected failures answered as
    payload errors rather than GraphQL errors."""

    @strawberry.mutation(
        description=(
            "Link your login to your own record, the first time you log in: "
            "prove who you are with a case number, your date of birth and the "
            "last four digits of your SSN. Attempts are limited."
        )
    )
    async def link_account(
        self, info: Info, input: LinkAccountInput
    ) -> LinkAccountPayload:
        return await link_account_resolvers.link_account(info, input)
