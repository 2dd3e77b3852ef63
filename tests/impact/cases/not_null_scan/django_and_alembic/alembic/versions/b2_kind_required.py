from alembic import op

revision = "b2"
down_revision = "a1"


def upgrade():
    op.execute("UPDATE events SET kind = 'unknown' WHERE kind IS NULL")
    op.alter_column("events", "kind", nullable=False)  # depmap-expect: not-null-scan warning


def downgrade():
    op.alter_column("events", "kind", nullable=True)
