"""Initial schema: people, chats and analyses with the indexes the summaries read.

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# A migration is a snapshot: it spells its types and values out instead of importing the
# models, which will have moved on by the time it runs on an old database.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)
EMOTIONS = "'surprise', 'fear', 'disgust', 'happy', 'sad', 'angry', 'neutral'"


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", ID, primary_key=True),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("platform_user_id", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("opt_out_history", sa.Boolean(), nullable=False),
        sa.Column("opt_out_summaries", sa.Boolean(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint(
            "platform", "platform_user_id", name="uq_people_platform_platform_user_id"
        ),
    )
    op.create_table(
        "chats",
        sa.Column("id", ID, primary_key=True),
        sa.Column("platform", sa.String(), nullable=False),
        sa.Column("platform_chat_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("summary_cron", sa.String(), nullable=True),
        sa.Column("summary_min_photos", sa.Integer(), nullable=False),
        sa.Column("negative_alert_share", sa.Float(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
        sa.UniqueConstraint(
            "platform", "platform_chat_id", name="uq_chats_platform_platform_chat_id"
        ),
        sa.CheckConstraint("kind IN ('private', 'group', 'channel')", name="ck_chats_kind"),
    )
    op.create_table(
        "analyses",
        sa.Column("id", ID, primary_key=True),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("chat_id", ID, nullable=False),
        sa.Column("platform_message_id", sa.String(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("face_count", sa.SmallInteger(), nullable=False),
        sa.Column("dominant_emotion", sa.String(16), nullable=True),
        sa.Column("faces", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_analyses"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_analyses_person_id_people"),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], name="fk_analyses_chat_id_chats"),
        sa.UniqueConstraint(
            "chat_id", "platform_message_id", name="uq_analyses_chat_id_platform_message_id"
        ),
        sa.CheckConstraint(
            f"dominant_emotion IN ({EMOTIONS})", name="ck_analyses_dominant_emotion"
        ),
        sa.CheckConstraint("face_count >= 0", name="ck_analyses_face_count"),
    )
    op.create_index(
        "ix_analyses_person_id_created_at_dominant_emotion",
        "analyses",
        ["person_id", "created_at", "dominant_emotion"],
    )
    op.create_index(
        "ix_analyses_chat_id_created_at_person_id_dominant_emotion",
        "analyses",
        ["chat_id", "created_at", "person_id", "dominant_emotion"],
    )
    op.create_index("ix_analyses_created_at", "analyses", ["created_at"])


def downgrade() -> None:
    op.drop_table("analyses")
    op.drop_table("chats")
    op.drop_table("people")
