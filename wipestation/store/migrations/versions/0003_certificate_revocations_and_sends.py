"""certificate revocations and sends

Revision ID: i16_0003
Revises: 0002_reasons
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wipestation.store.models

revision = 'i16_0003'
down_revision = '0002_reasons'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('custody_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
    op.create_table(
        'certificate_revocations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('revoked_at', wipestation.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_by', sa.String(length=120), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['certificate_id'], ['certificates.id'],
            name=op.f('fk_certificate_revocations_certificate_id_certificates'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_revocations')),
        sa.UniqueConstraint('certificate_id', name=op.f('uq_certificate_revocations_certificate_id')),
    )
    op.create_table(
        'certificate_sends',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('attempted_at', wipestation.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempted_by', sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_sends_certificate_id_certificates')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_sends')),
    )
    with op.batch_alter_table('certificate_sends', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_sends_certificate_id'), ['certificate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('certificate_sends', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_sends_certificate_id'))
    op.drop_table('certificate_sends')
    op.drop_table('certificate_revocations')
    with op.batch_alter_table('custody_records', schema=None) as batch_op:
        batch_op.drop_column('received_on')
