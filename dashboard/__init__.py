"""The operators' web dashboard: overview, people, chats, analyses and "try it", served beside
the bot on its event loop with its engine, store and scheduler (Starlette, uvicorn, sqladmin).

Only the composition root (bot/app.py) imports it; it imports bot/, storage/ and fer_engine/,
never an adapter.
"""

from dashboard.app import create_app
from dashboard.auth import DashboardError, hash_password
from dashboard.server import Dashboard

__all__ = ["Dashboard", "DashboardError", "create_app", "hash_password"]
