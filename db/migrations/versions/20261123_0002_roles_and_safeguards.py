"""roles and safeguards: disclosure overrides, location flags, audit detail,
account-link attempts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR_KINDS = ('party', 'staff', 'agency', 'unlinked', 'system')
OLD_ACTOR_KINDS = ('party', 'staff', 'agency', 'system')
OUTCOMES = ('allowed', 'redacted', 'denied', 'succeeded', 'failed', 'locked')

# Existing rows that reveal where someone lives, or that it changed.
LOCATION_ACTIVITY_CODES = ('ADDRESS_VERIFIED', 'LOCATE_COMPLETED', 'ADDRESS_CHANGED')
LOCATION_DOCUMENT_TITLES = ('Change of Address Form',)


def upgrade() -> None:
    op.add_column('cases', sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False))
    op.create_index(op.f('ix_cases_updated_at'), 'cases', ['updated_at'], unique=False)
    op.create_index(op.f('ix_agencies_county'), 'agencies', ['county'], unique=False)
    op.add_column('family_violence_indicators', sa.Column('disclosure_ordered_on', sa.Date(), nullable=True))
    op.add_column('family_violence_indicators', sa.Column('disclosure_court', sa.String(length=200), nullable=True))
    op.create_check_constraint(
        op.f('ck_family_violence_indicators_disclosure_court_and_date'),
        'family_violence_indicators',
        '(disclosure_ordered_on IS NULL) = (disclosure_court IS NULL)',
    )
    for table in ('case_activities', 'case_documents'):
        op.add_column(table, sa.Column('discloses_location', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        sa.text('UPDATE case_activities SET discloses_location = true WHERE code = ANY(:codes)')
        .bindparams(codes=list(LOCATION_ACTIVITY_CODES))
    )
    op.execute(
        sa.text('UPDATE case_documents SET discloses_location = true WHERE title = ANY(:titles)')
        .bindparams(titles=list(LOCATION_DOCUMENT_TITLES))
    )
    _actor_kinds(ACTOR_KINDS)
    op.add_column('audit_events', sa.Column('client_id', sa.String(length=255), nullable=True))
    op.add_column('audit_events', sa.Column('object_type', sa.String(length=40), nullable=True))
    op.add_column('audit_events', sa.Column('object_id', sa.BigInteger(), nullable=True))
    op.add_column('audit_events', sa.Column('outcome', sa.Enum(*OUTCOMES, name='audit_outcome', native_enum=False, create_constraint=True, length=32), server_default='allowed', nullable=False))
    op.create_table('account_link_attempts',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_link_attempts'))
    )
    op.create_index('ix_account_link_attempts_case_number_attempted_at', 'account_link_attempts', ['case_number', 'attempted_at'], unique=False)
    op.create_index('ix_account_link_attempts_subject_attempted_at', 'account_link_attempts', ['issuer', 'subject', 'attempted_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_account_link_attempts_subject_attempted_at', table_name='account_link_attempts')
    op.drop_index('ix_account_link_attempts_case_number_attempted_at', table_name='account_link_attempts')
    op.drop_table('account_link_attempts')
    op.drop_column('audit_events', 'outcome')
    op.drop_column('audit_events', 'object_id')
    op.drop_column('audit_events', 'object_type')
    op.drop_column('audit_events', 'client_id')
    _actor_kinds(OLD_ACTOR_KINDS)
    for table in ('case_documents', 'case_activities'):
        op.drop_column(table, 'discloses_location')
    op.drop_index(op.f('ix_agencies_county'), table_name='agencies')
    op.drop_index(op.f('ix_cases_updated_at'), table_name='cases')
    op.drop_column('cases', 'updated_at')
    op.drop_constraint(op.f('ck_family_violence_indicators_disclosure_court_and_date'), 'family_violence_indicators', type_='check')
    op.drop_column('family_violence_indicators', 'disclosure_court')
    op.drop_column('family_violence_indicators', 'disclosure_ordered_on')


def _actor_kinds(kinds: tuple[str, ...]) -> None:
    name = op.f('ck_audit_events_actor_kind')
    op.drop_constraint(name, 'audit_events', type_='check')
    listed = ', '.join(f"'{kind}'" for kind in kinds)
    op.create_check_constraint(name, 'audit_events', f'actor_kind IN ({listed})')
