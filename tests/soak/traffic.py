"""A day of traffic in minutes: `ferbot run` as a process, serving the fake Telegram and the
fake Discord on 127.0.0.1, people sending photos in bursts, and trouble on demand (500s,
cut connections, a 429 storm, the process killed and started again).

`run_traffic` is shared by the soak tests (small volumes) and `benchmarks/soak.py` (the full
run); it returns what a RELIABILITY.md row needs and asserts nothing itself.
"""

import asyncio
import contextlib
import random
import sqlite3
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from fer_engine.stats import percentile
from tests.fakes import fake_discord
from tests.fakes.fake_telegram import Person
from tests.fakes.faults import Faults
from tests.images import encode, noise
from tests.soak.served import Served, served

ANSWER_S = 600.0  # a guard against a hung run, not a timing expectation
# Once every photo is sent, the run ends when all are answered or none has been for this long.
STALL_S = 120.0
_WARM_SHARE = 0.1  # memory is measured from when this share of the photos is answered


@dataclass(frozen=True)
class Volume:
    """`photos` from `people` (a `discord_share` of both on Discord), pushed in bursts of up
    to `burst` photos with pauses of up to `pause_s` between them."""

    photos: int
    people: int
    discord_share: float = 0.1
    burst: int = 200
    pause_s: float = 0.5
    seed: int = 0


@dataclass(frozen=True)
class Trouble:
    """Faults during the run: shares of requests answered 500 or cut off (both fakes), a 429
    storm of `storm_s` seconds once a tenth is answered, and `kill`: SIGKILL halfway through,
    with photos of both platforms still in hand, then a restart on the same store."""

    error_share: float = 0.0
    drop_share: float = 0.0
    storm_s: float = 0.0
    kill: bool = False

    def describe(self) -> str:
        parts = []
        if self.error_share:
            parts.append(f"{self.error_share:.0%} 500s")
        if self.drop_share:
            parts.append(f"{self.drop_share:.0%} dropped connections")
        if self.storm_s:
            parts.append(f"{self.storm_s:g} s 429 storm (retry_after 1-5 s)")
        if self.kill:
            parts.append("SIGKILL + restart")
        return ", ".join(parts) or "none"


@dataclass
class TrafficReport:
    """What happened to every photo, and to the process and its store."""

    photos: int
    answers: Counter[str]  # photo key -> replies it got
    latencies_ms: list[float]
    stored: int  # analyses in the store
    stored_distinct: int  # distinct (chat, message) among them
    integrity: str  # PRAGMA integrity_check
    crashes: int  # times the process died without being killed
    kills: int
    redeliverable: set[str]  # photos not yet confirmed to Telegram when it was killed
    caught_up: int  # Discord photos sent before the kill and first answered after it
    injected: Counter[str]
    rss_warm_kb: int | None
    rss_end_kb: int | None
    leaked: list[str]  # log lines holding a token's secret

    @property
    def answered(self) -> int:
        return sum(1 for count in self.answers.values() if count > 0)

    @property
    def lost(self) -> int:
        return self.photos - self.answered

    @property
    def duplicated(self) -> int:
        return sum(1 for count in self.answers.values() if count > 1)

    @property
    def memory_growth(self) -> float | None:
        if not self.rss_warm_kb or not self.rss_end_kb:
            return None
        return self.rss_end_kb / self.rss_warm_kb - 1

    def percentile_ms(self, q: float) -> float:
        """The `q`-quantile (0..1) of reply latency."""
        return percentile(self.latencies_ms, q) if self.latencies_ms else float("nan")


@dataclass
class _Photo:
    """One photo to send; `key` becomes its message id once sent ("d..." on Discord)."""

    key: str
    data: bytes
    person: int
    discord: bool


class _Traffic:
    """One run: what is served, the photos sent and what was answered."""

    def __init__(self, both: Served, volume: Volume, trouble: Trouble, progress: bool) -> None:
        self.served = both
        self.telegram = both.telegram
        self.discord = both.discord
        self.process = both.process
        self.volume = volume
        self.trouble = trouble
        self.sent_at: dict[str, float] = {}
        self.redeliverable: set[str] = set()
        self.killed_at: float | None = None
        self.rss_warm_kb: int | None = None
        self.bar = tqdm(total=volume.photos, desc="answered", disable=not progress, unit="photo")
        self._update_of: dict[str, int] = {}
        self._attachment_of: dict[str, str] = {}  # Discord photo key -> its CDN file name
        self._stormed = False
        self._random = random.Random(volume.seed + 1)
        people = max(1, round(volume.people * volume.discord_share))
        self._discord_people = [
            fake_discord.user(str(960_000_000_000_000_000 + n), f"Discord person {n}")
            for n in range(people)
        ]

    async def push(self, photos: list[_Photo]) -> None:
        """Every photo, in bursts of 1 to `volume.burst` with a pause after each."""
        index = 0
        while index < len(photos):
            burst = photos[index : index + self._random.randint(1, self.volume.burst)]
            for photo in burst:
                await self._send(photo)
            index += len(burst)
            self.watch()
            await asyncio.sleep(self._random.uniform(0, self.volume.pause_s))

    async def kill_with_photos_in_hand(self, photos: list[_Photo], half: int) -> None:
        """Once every Discord photo sent so far and a quarter of the Telegram ones are
        answered, send the rest and SIGKILL the process as soon as it is working on them;
        then start it again. Telegram delivers again what was not confirmed; Discord never
        does, and the new session finds its photos in channel history. That history is read
        in chats where a photo was recorded, so the Discord photos in flight are those of
        people already answered; a person's first photos are sent after the restart (in
        flight at a crash, they would be lost)."""
        sent = photos[:half]
        on_discord = {p.key for p in sent if p.discord}
        await self.served.until(
            lambda: on_discord <= set(self.answers()[0]) and self.watch() >= half // 4, ANSWER_S
        )
        known = {p.person for p in sent if p.discord}
        newcomers = {p.key for p in photos[half:] if p.discord and p.person not in known}
        rest = [p for p in photos[half:] if p.key not in newcomers]
        last = [p for p in rest if p.discord][-1:]
        await self.push([p for p in rest if p not in last])
        # The last Discord photo goes alone and the process dies the moment it fetches it:
        # an answer follows a download by some 50 ms, so waiting for an answer let a fast
        # engine answer every Discord photo before the kill.
        for photo in last:  # not `push`, which pauses after sending
            await self._send(photo)
        async with asyncio.timeout(ANSWER_S):
            while not {self._attachment_of[p.key] for p in last} & set(self.discord.cdn_requests):
                await asyncio.sleep(0.005)
        confirmed_below = self.telegram.confirmed_below
        self.redeliverable = {
            p.key for p in photos if self._update_of.get(p.key, -1) >= confirmed_below
        }
        await self.process.kill()
        self.killed_at = time.perf_counter()
        await self.served.start()
        await self.push([p for p in photos[half:] if p.key in newcomers])

    def caught_up(self, photos: list[_Photo], first: dict[str, float]) -> int:
        """Discord photos sent before the kill and first answered after it: those in flight
        at the kill, found again in channel history."""
        killed_at = self.killed_at
        if killed_at is None:
            return 0
        return sum(
            1
            for p in photos
            if p.discord and self.sent_at[p.key] < killed_at < first.get(p.key, 0.0)
        )

    def watch(self) -> int:
        """Photos answered so far; starts the storm and notes warm memory on the way."""
        answered = len(self.answers()[0])
        self.bar.update(answered - self.bar.n)
        warm = answered >= _WARM_SHARE * self.volume.photos
        if warm and self.rss_warm_kb is None and self.process.pid:
            self.rss_warm_kb = _rss_kb(self.process.pid)
        if warm and self.trouble.storm_s and not self._stormed:
            self._stormed = True
            self.telegram.faults.storm(self.trouble.storm_s)
            self.discord.faults.storm(self.trouble.storm_s)
        return answered

    async def until_answered_or_stalled(self, photos: list[_Photo]) -> None:
        """Until every photo is answered, or STALL_S pass without a new answer (what is
        missing then is reported as lost)."""
        answered, since = -1, time.perf_counter()
        while not self.all_answered(photos):
            if (now := self.watch()) != answered:
                answered, since = now, time.perf_counter()
            elif time.perf_counter() - since > STALL_S:
                return
            with contextlib.suppress(TimeoutError):
                await self.served.until(lambda seen=answered: self.watch() != seen, 1.0)

    def all_answered(self, photos: list[_Photo]) -> bool:
        self.watch()
        answered = self.answers()[0]
        return all(p.key in answered for p in photos)

    def answers(self) -> tuple[Counter[str], dict[str, float]]:
        """Replies per photo key, and when the first came."""
        counts: Counter[str] = Counter()
        first: dict[str, float] = {}
        for sent in self.telegram.sent:
            if sent.reply_to is not None:
                key = str(sent.reply_to)
                counts[key] += 1
                first.setdefault(key, sent.at)
        for call in self.served.discord_replies():
            key = f"d{call.body['message_reference']['message_id']}"
            counts[key] += 1
            first.setdefault(key, call.at)
        return counts, first

    async def _send(self, photo: _Photo) -> None:
        """Push one photo; its key becomes its message id ("d" in front on Discord), which
        is what the answers quote."""
        if photo.discord:
            person = self._discord_people[photo.person % len(self._discord_people)]
            message_id = self.discord.new_id()
            photo.key = f"d{message_id}"
            attachment = self.discord.upload(photo.data)
            self._attachment_of[photo.key] = attachment["url"].split("/cdn/", 1)[1]
            dm = str(int(person["id"]) + 1)
            payload = fake_discord.message(message_id, dm, person, attachments=[attachment])
            self.sent_at[photo.key] = time.perf_counter()
            await self.discord.dispatch("MESSAGE_CREATE", payload)
        else:
            person = Person(100_000 + photo.person, f"Person {photo.person}")
            update = self.telegram.photo_update(person, photo.data)
            message_id = update["message"]["message_id"]
            photo.key = str(message_id)
            self._update_of[photo.key] = self.telegram.push(update)
            self.sent_at[photo.key] = self.telegram.pushed_at[message_id]


def _photos(volume: Volume) -> list[_Photo]:
    rng = random.Random(volume.seed)
    discord_people = max(1, round(volume.people * volume.discord_share))
    photos = []
    for number in range(volume.photos):
        data = encode(noise(volume.seed * 1_000_000 + number, (32, 32)), "JPEG")
        on_discord = rng.random() < volume.discord_share
        people = discord_people if on_discord else volume.people - discord_people
        photos.append(_Photo(f"p{number}", data, rng.randrange(max(1, people)), on_discord))
    return photos


def _rss_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return int(line.split()[1]) if line else None


async def run_traffic(
    volume: Volume, trouble: Trouble, folder: Path, *, progress: bool = False
) -> TrafficReport:
    """Run `ferbot -vv run` (every log line, DEBUG included) against both fakes, send every
    photo of `volume` with `trouble` injected, wait until each is answered (or none is
    for STALL_S), stop it with Ctrl-C and read the store."""
    database = folder / "soak.db"
    photos = _photos(volume)
    async with served(database) as both:
        faults = [
            Faults(trouble.error_share, trouble.drop_share, seed=volume.seed + n) for n in range(4)
        ]
        both.telegram.faults, both.telegram.download_faults = faults[:2]
        both.discord.faults, both.discord.cdn_faults = faults[2:]
        traffic = _Traffic(both, volume, trouble, progress)
        if trouble.kill:
            half = len(photos) // 2
            await traffic.push(photos[:half])
            await traffic.kill_with_photos_in_hand(photos, half)
        else:
            await traffic.push(photos)
        await traffic.until_answered_or_stalled(photos)
        rss_end = _rss_kb(both.process.pid) if both.process.pid else None
        traffic.bar.close()
    counts, first = traffic.answers()
    injected = sum((fault.injected for fault in faults), Counter())
    with closing(sqlite3.connect(database)) as store:
        stored, distinct = store.execute(
            "SELECT COUNT(*), COUNT(DISTINCT chat_id || ':' || platform_message_id) FROM analyses"
        ).fetchone()
        (integrity,) = store.execute("PRAGMA integrity_check").fetchone()
    return TrafficReport(
        photos=volume.photos,
        answers=Counter({p.key: counts.get(p.key, 0) for p in photos}),
        latencies_ms=[
            1000 * (first[p.key] - traffic.sent_at[p.key]) for p in photos if p.key in first
        ],
        stored=stored,
        stored_distinct=distinct,
        integrity=integrity,
        crashes=both.crashes,
        kills=both.process.kills,
        redeliverable=traffic.redeliverable,
        caught_up=traffic.caught_up(photos, first),
        injected=Counter({str(kind): count for kind, count in injected.items()}),
        rss_warm_kb=None if trouble.kill else traffic.rss_warm_kb,
        rss_end_kb=rss_end,
        leaked=both.leaked_secrets(),
    )
