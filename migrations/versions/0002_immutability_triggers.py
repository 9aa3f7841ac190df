"""Immutability in the database: published versions, their items and tiers, and the
publication log cannot be changed or deleted, whatever code touches the tables.
Also seeds the single log_head row that publishers lock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

# A published version may only become withdrawn, touching nothing but the withdrawal fields.
SQLITE = [
    """
    CREATE TRIGGER schedule_version_no_update BEFORE UPDATE ON schedule_version
    WHEN OLD.status != 'draft' AND NOT (
        OLD.status = 'published' AND NEW.status = 'withdrawn'
        AND NEW.id IS OLD.id AND NEW.schedule_id IS OLD.schedule_id AND NEW.number IS OLD.number
        AND NEW.effective_from IS OLD.effective_from AND NEW.published_at IS OLD.published_at
        AND NEW.publisher_id IS OLD.publisher_id AND NEW.change_note IS OLD.change_note
        AND NEW.content_sha256 IS OLD.content_sha256 AND NEW.short_notice IS OLD.short_notice
        AND NEW.base_version_id IS OLD.base_version_id AND NEW.created_at IS OLD.created_at
        AND NEW.created_by_id IS OLD.created_by_id)
    BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END
    """,
    """
    CREATE TRIGGER schedule_version_no_delete BEFORE DELETE ON schedule_version
    WHEN OLD.status != 'draft'
    BEGIN SELECT RAISE(ABORT, 'published versions cannot be deleted'); END
    """,
    """
    CREATE TRIGGER fee_item_no_insert BEFORE INSERT ON fee_item
    WHEN (SELECT status FROM schedule_version WHERE id = NEW.version_id) != 'draft'
    BEGIN SELECT RAISE(ABORT, 'items of a published version are immutable'); END
    """,
    """
    CREATE TRIGGER fee_item_no_update BEFORE UPDATE ON fee_item
    WHEN (SELECT status FROM schedule_version WHERE id = OLD.version_id) != 'draft'
      OR (SELECT status FROM schedule_version WHERE id = NEW.version_id) != 'draft'
    BEGIN SELECT RAISE(ABORT, 'items of a published version are immutable'); END
    """,
    """
    CREATE TRIGGER fee_item_no_delete BEFORE DELETE ON fee_item
    WHEN (SELECT status FROM schedule_version WHERE id = OLD.version_id) != 'draft'
    BEGIN SELECT RAISE(ABORT, 'items of a published version are immutable'); END
    """,
    """
    CREATE TRIGGER fee_tier_no_insert BEFORE INSERT ON fee_tier
    WHEN (SELECT v.status FROM fee_item i JOIN schedule_version v ON v.id = i.version_id
          WHERE i.id = NEW.item_id) != 'draft'
    BEGIN SELECT RAISE(ABORT, 'items of a published version are immutable'); END
    """,
    """
    CREATE TRIGGER fee_tier_no_update BEFORE UPDATE ON fee_tier
    WHEN (SELECT v.status FROM fee_item i JOIN schedule_version v ON v.id = i.version_id
          WHERE i.id = OLD.item_id) != 'draft'
      OR (SELECT v.status FROM fee_item i JOIN schedule_version v ON v.id = i.version_id
          WHERE i.id = NEW.item_id) != 'draft'
    BEGIN SELECT RAISE(ABORT, 'items of a published version are immutable'); END
    """,
    """
    CREATE TRIGGER fee_tier_no_delete BEFORE DELETE ON fee_tier
    WHEN (SELECT v.status FROM fee_item i JOIN schedule_version v ON v.id = i.version_id
          WHERE i.id = OLD.item_id) != 'draft'
    BEGIN SELECT RAISE(ABORT, 'items of a published version are immutable'); END
    """,
    """
    CREATE TRIGGER publication_log_no_update BEFORE UPDATE ON publication_log
    BEGIN SELECT RAISE(ABORT, 'the publication log is append-only'); END
    """,
    """
    CREATE TRIGGER publication_log_no_delete BEFORE DELETE ON publication_log
    BEGIN SELECT RAISE(ABORT, 'the publication log is append-only'); END
    """,
]
SQLITE_DROP = [
    "schedule_version_no_update", "schedule_version_no_delete", "fee_item_no_insert",
    "fee_item_no_update", "fee_item_no_delete", "fee_tier_no_insert", "fee_tier_no_update",
    "fee_tier_no_delete", "publication_log_no_update", "publication_log_no_delete",
]

POSTGRES = [
    """
    CREATE FUNCTION schedule_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
          RAISE EXCEPTION 'published versions cannot be deleted' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
      END IF;
      IF OLD.status <> 'draft' AND NOT (
          OLD.status = 'published' AND NEW.status = 'withdrawn'
          AND NEW.id = OLD.id AND NEW.schedule_id = OLD.schedule_id
          AND NEW.number IS NOT DISTINCT FROM OLD.number
          AND NEW.effective_from IS NOT DISTINCT FROM OLD.effective_from
          AND NEW.published_at IS NOT DISTINCT FROM OLD.published_at
          AND NEW.publisher_id IS NOT DISTINCT FROM OLD.publisher_id
          AND NEW.change_note IS NOT DISTINCT FROM OLD.change_note
          AND NEW.content_sha256 IS NOT DISTINCT FROM OLD.content_sha256
          AND NEW.short_notice IS NOT DISTINCT FROM OLD.short_notice
          AND NEW.base_version_id IS NOT DISTINCT FROM OLD.base_version_id
          AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at
          AND NEW.created_by_id IS NOT DISTINCT FROM OLD.created_by_id) THEN
        RAISE EXCEPTION 'published versions are immutable' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER schedule_version_guard BEFORE UPDATE OR DELETE ON schedule_version
    FOR EACH ROW EXECUTE FUNCTION schedule_version_guard()
    """,
    """
    CREATE FUNCTION fee_item_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND (SELECT status FROM schedule_version WHERE id = OLD.version_id) <> 'draft')
         OR (TG_OP <> 'DELETE' AND (SELECT status FROM schedule_version WHERE id = NEW.version_id) <> 'draft') THEN
        RAISE EXCEPTION 'items of a published version are immutable' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER fee_item_guard BEFORE INSERT OR UPDATE OR DELETE ON fee_item
    FOR EACH ROW EXECUTE FUNCTION fee_item_guard()
    """,
    """
    CREATE FUNCTION fee_tier_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (TG_OP <> 'INSERT' AND (SELECT v.status FROM fee_item i JOIN schedule_version v ON v.id = i.version_id
                                 WHERE i.id = OLD.item_id) <> 'draft')
         OR (TG_OP <> 'DELETE' AND (SELECT v.status FROM fee_item i JOIN schedule_version v ON v.id = i.version_id
                                    WHERE i.id = NEW.item_id) <> 'draft') THEN
        RAISE EXCEPTION 'items of a published version are immutable' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER fee_tier_guard BEFORE INSERT OR UPDATE OR DELETE ON fee_tier
    FOR EACH ROW EXECUTE FUNCTION fee_tier_guard()
    """,
    """
    CREATE FUNCTION publication_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the publication log is append-only' USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    """
    CREATE TRIGGER publication_log_guard BEFORE UPDATE OR DELETE ON publication_log
    FOR EACH ROW EXECUTE FUNCTION publication_log_guard()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS publication_log_guard ON publication_log",
    "DROP FUNCTION IF EXISTS publication_log_guard()",
    "DROP TRIGGER IF EXISTS fee_tier_guard ON fee_tier",
    "DROP FUNCTION IF EXISTS fee_tier_guard()",
    "DROP TRIGGER IF EXISTS fee_item_guard ON fee_item",
    "DROP FUNCTION IF EXISTS fee_item_guard()",
    "DROP TRIGGER IF EXISTS schedule_version_guard ON schedule_version",
    "DROP FUNCTION IF EXISTS schedule_version_guard()",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES if dialect == "postgresql" else SQLITE:
        op.execute(statement)
    op.execute(f"INSERT INTO log_head (id, seq, entry_hash) VALUES (1, 0, '{GENESIS}')")


def downgrade():
    op.execute("DELETE FROM log_head")
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DROP:
            op.execute(statement)
    else:
        for name in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
