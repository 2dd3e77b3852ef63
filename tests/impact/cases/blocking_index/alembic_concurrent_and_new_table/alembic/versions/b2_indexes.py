import sqlalchemy as sa
from alembic import op

revision = "b2"
down_revision = "a1"


def upgrade():
    op.create_table(
        "refunds",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("invoice_id", sa.BigInteger, nullable=False),
    )
    # a table created in this revision: nobody waits for its lock
    op.create_index("ix_refunds_invoice_id", "refunds", ["invoice_id"])
    with op.get_context().autocommit_block():
        op.create_index("ix_invoices_number", "invoices", ["number"], unique=True, postgresql_concurrently=True)


def downgrade():
    op.drop_index("ix_invoices_number", table_name="invoices")
    op.drop_table("refunds")
