"""product subtitle shown under the name

Revision ID: b81c2f0e9a11
Revises: 4d2a7c1b9e05
"""
from alembic import op

revision = "b81c2f0e9a11"
down_revision = "4d2a7c1b9e05"


def upgrade():
    op.execute("ALTER TABLE products ADD COLUMN subtitle VARCHAR(120) NULL AFTER name")


def downgrade():
    op.execute("ALTER TABLE products DROP COLUMN subtitle")
