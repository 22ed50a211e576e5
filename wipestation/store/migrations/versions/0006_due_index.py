"""the due rule reads one index: state, rule date and early-deletion request together

The due list's condition (`views.records._due_condition`) reads the rule date and the early-deletion
request of every open record; with both in the index it never visits the table, and the console's due
page with 100 000 records drops from ~0.5 s to ~0.08 s (`bench/tui_bench.py`). It serves every query
the old (state, due_on) index served.

Revision ID: i15_0005
Revises: i17_0004
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

from alembic import op

revision = "i15_0005"
down_revision = "i17_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_custody_records_state_due_requested",
        "custody_records",
        ["state", "due_on", "deletion_requested_on"],
    )
    op.drop_index("ix_custody_records_state_due", table_name="custody_records")


def downgrade() -> None:
    op.create_index("ix_custody_records_state_due", "custody_records", ["state", "due_on"])
    op.drop_index("ix_custody_records_state_due_requested", table_name="custody_records")
