"""an index for the version in effect on a day

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Finding each schedule's version in effect on a day (fees.services.market) is one probe
of this index per schedule: the published versions that took effect by the day, latest
first. Without it every version of every schedule was read (a comparison at national
scale spent ~50 ms there alone; now ~1 ms).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# A plain CREATE INDEX, not a batch operation: on SQLite a batch may copy the table,
# which would drop schedule_version's immutability triggers (0002).
def upgrade():
    op.create_index('ix_schedule_version_in_effect', 'schedule_version',
                    ['schedule_id', 'status', 'effective_from', 'number'], unique=False)


def downgrade():
    op.drop_index('ix_schedule_version_in_effect', table_name='schedule_version')
