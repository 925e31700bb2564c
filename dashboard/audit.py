"""Every destructive action an operator takes, logged with who, when and from where.

The audit logger writes at INFO whatever level the rest of ferbot logs at, so these lines are
always kept.
"""

import logging
from datetime import UTC, datetime

from starlette.requests import Request

from dashboard.auth import client_address, operators_of

audit_log = logging.getLogger("ferbot.audit")
audit_log.setLevel(logging.INFO)


def record_action(request: Request, action: str, target: str, outcome: str) -> None:
    """Log that the operator behind `request` did `action` to `target`, and what came of it."""
    audit_log.info(
        "%s %s: %s; by %s from %s at %s",
        action,
        target,
        outcome,
        operators_of(request).operator_of(request),
        client_address(request),
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
