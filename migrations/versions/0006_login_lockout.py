"""login lockout: consecutive failed sign-ins and the end of the lock

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa
import fees.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, never batch mode (see 0003): a batch copy on SQLite rebuilds the
# table, and the same rule keeps every migration safe next to the immutability triggers.
COLUMNS = [
    ("user_account", sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)),
    ("user_account", sa.Column("locked_until", fees.types.UTCDateTime(timezone=True), nullable=True)),
]


def upgrade():
    for table, column in COLUMNS:
        op.add_column(table, column)


def downgrade():
    for table, column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
