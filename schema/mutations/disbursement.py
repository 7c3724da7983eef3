"""Mutations: disbursement preference."""

from __future__ import annotations

import strawberry

from resolvers import update_disbursement_preference as resolve
from schema.context import Info
from schema.disbursement import (
    UpdateDisbursementPreferenceInput,
    UpdateDisbursementPreferencePayload,
)


@strawberry.type
class DisbursementMutations:
    """How payments reach a parent (``resolvers.update_disbursement_preference``)."""

    @strawberry.mutation(
        description=(
            "Choose how your support payments reach you: direct deposit (routing "
            "and account number) or a prepaid card. Parents and caretakers who "
            "receive support only. A security alert is sent by e-mail on every "
            "change."
        )
    )
    async def update_disbursement_preference(
        self, info: Info, input: UpdateDisbursementPreferenceInput
    ) -> UpdateDisbursementPreferencePayload:
        return await resolve.update_disbursement_preference(info, input)
