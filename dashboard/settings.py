"""The `[dashboard]` table of config.toml: where the operators' web app listens and how
long a login lasts."""

from pydantic import Field

from bot.settings import Section


class DashboardSettings(Section):
    """The operators' web dashboard; the password hash comes only from
    $DASHBOARD_PASSWORD_HASH."""

    enabled: bool = False  # served by `ferbot run` too (`ferbot dashboard` serves it alone)
    host: str = "127.0.0.1"  # another address exposes it: put https in front
    port: int = Field(8321, ge=0, le=65535)  # 0: any free port
    operator: str = "operator"  # who destructive actions are logged as
    secure_cookie: bool = True  # the session cookie travels over https (and to 127.0.0.1) only
    session_hours: float = Field(8.0, gt=0)  # a login lasts this long
    login_attempts: int = Field(5, ge=1)  # per client address per window; more are refused
    login_window_s: float = Field(300.0, gt=0)
