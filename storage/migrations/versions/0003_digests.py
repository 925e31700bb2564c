"""Digests: a chat's language, and claims that make each scheduled digest go out once.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("chats") as chats:
        chats.add_column(sa.Column("language", sa.String(16), nullable=True))
    op.create_table(
        "digest_runs",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "chat_id",
            ID,
            sa.ForeignKey("chats.id", name="fk_digest_runs_chat_id_chats", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("due_at", MOMENT, nullable=False),
        sa.Column("claimed_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_digest_runs"),
        sa.UniqueConstraint("chat_id", "due_at", name="uq_digest_runs_chat_id_due_at"),
    )


def downgrade() -> None:
    op.drop_table("digest_runs")
    with op.batch_alter_table("chats") as chats:
        chats.drop_column("language")
