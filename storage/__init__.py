"""The store: people's history, chats' settings and schedules (SQLAlchemy async; to come)."""
