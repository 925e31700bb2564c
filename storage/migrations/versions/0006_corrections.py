"""Corrections: a person's word that a face of their photo shows another emotion.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EMOTIONS = ("surprise", "fear", "disgust", "happy", "sad", "angry", "neutral")


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", ID, primary_key=True),
        sa.Column(
            "analysis_id",
            ID,
            sa.ForeignKey(
                "analyses.id", name="fk_corrections_analysis_id_analyses", ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("face_index", sa.SmallInteger(), nullable=False),
        sa.Column(
            "person_id",
            ID,
            sa.ForeignKey("people.id", name="fk_corrections_person_id_people", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("emotion", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_corrections"),
        sa.UniqueConstraint(
            "analysis_id",
            "face_index",
            "person_id",
            name="uq_corrections_analysis_id_face_index_person_id",
        ),
        sa.CheckConstraint(
            "emotion IN (" + ", ".join(repr(emotion) for emotion in EMOTIONS) + ")",
            name="ck_corrections_emotion",
        ),
        sa.CheckConstraint("face_index >= 0", name="ck_corrections_face_index"),
    )
    op.create_index("ix_corrections_person_id", "corrections", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_corrections_person_id", table_name="corrections")
    op.drop_table("corrections")
