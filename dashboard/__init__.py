"""The operators' web dashboard: overview, people, chats, analyses and "try it", served beside
the bot on its event loop with its engine, store and scheduler (Starlette, uvicorn, sqladmin).

Only the process shell (ferbot/) imports it; it imports bot/, storage/ and fer_engine/, never
an adapter. The package itself holds only its settings, which every command reads: the web app
is imported from its modules (`dashboard.server.Dashboard`, `dashboard.app.create_app`,
`dashboard.auth.hash_password`), so `ferbot db` starts without loading it.
"""

from dashboard.settings import DashboardSettings

__all__ = ["DashboardSettings"]
