"""Records one analysis after another until killed, printing each message id once committed.

test_durability.py runs it as `python -m tests.storage.write_until_killed URL` and kills it
with SIGKILL in mid-stream.
"""

import asyncio
import itertools
import sys
from datetime import UTC, datetime

from storage import StorageSettings, Store
from tests.storage.builders import photo


async def write_forever(url: str) -> None:
    async with await Store.open(StorageSettings(url=url), migrate=False) as store:
        for number in itertools.count():
            await store.record(photo(str(number), datetime.now(UTC).isoformat()))
            print(number, flush=True)


if __name__ == "__main__":
    asyncio.run(write_forever(sys.argv[1]))
