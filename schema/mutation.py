"""The root Mutation type."""

from __future__ import annotations

import strawberry

from resolvers import link_account as link_account_resolvers
from schema.account import LinkAccountInput, LinkAccountPayload
from schema.context import Info
from schema.mutations.contact import ContactMutations
from schema.mutations.disbursement import DisbursementMutations
from schema.mutations.messages import MessageMutations
from schema.mutations.notifications import NotificationMutations
from schema.mutations.payments import PaymentMutations


@strawberry.type
class Mutation(
    PaymentMutations,
    ContactMutations,
    NotificationMutations,
    DisbursementMutations,
    MessageMutations,
):
    """Every change a caller may make: each a field with its
    ``<Verb><Noun>Input`` and ``<Verb><Noun>Payload`` (in ``schema/mutations/``
    by domain), its work in one module of ``resolvers/``, one transaction
    each, authorized by ``auth.authorization.rules.MUTATIONS``, audited, and
    expected failures answered as payload errors rather than GraphQL errors."""

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
