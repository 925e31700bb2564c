"""Alembic's scripts for the store's schema; storage/migrate.py runs them."""
