"""draft revisions, audit origin, last login

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa
import fees.types


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, never batch mode: a batch "move and copy" on SQLite rebuilds
# tables and would break the immutability triggers of 0002 that refer to them.
COLUMNS = [
    ("audit_event", sa.Column("origin", sa.String(length=120), server_default="", nullable=False)),
    ("schedule_version", sa.Column("revision", sa.Integer(), server_default="1", nullable=False)),
    ("schedule_version", sa.Column("updated_at", fees.types.UTCDateTime(timezone=True), nullable=True)),
    ("user_account", sa.Column("last_login_at", fees.types.UTCDateTime(timezone=True), nullable=True)),
]


def upgrade():
    for table, column in COLUMNS:
        op.add_column(table, column)


def downgrade():
    for table, column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
