from alembic import op

revision = "c3"
down_revision = "a1"


def upgrade():
    op.create_index("ix_events_kind", "events", ["kind"], postgresql_concurrently=True)  # depmap-expect: concurrent-index-in-transaction breaking
    with op.get_context().autocommit_block():
        op.create_index("ix_events_created_at", "events", ["created_at"], postgresql_concurrently=True)


def downgrade():
    op.drop_index("ix_events_created_at", table_name="events")
    op.drop_index("ix_events_kind", table_name="events")
