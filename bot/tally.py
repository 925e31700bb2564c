"""What the bot core has done since it started, counted for operators (`/metrics`)."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Tally:
    """Replies by the kind of event answered, and failures by kind. Counted on the one
    event loop, so plain counters suffice."""

    replies: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
