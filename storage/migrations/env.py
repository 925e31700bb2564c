"""Alembic's entry point: migrate on the connection that storage/migrate.py hands over.

The connection is already in a transaction, so a failed migration leaves the schema as it was.
"""

from alembic import context

from storage.models import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    # SQLite alters a table by rebuilding it; batch mode writes migrations that way on both.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
