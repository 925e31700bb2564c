"""The store: every query the bot makes of its records, each one transaction on an index."""

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from sqlalchemy import ColumnElement, Row, bindparam, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage import counts
from storage.agreement import Agreement, agreement
from storage.engine import Database
from storage.export import person_export_json
from storage.migrate import upgrade
from storage.models import Analysis, Chat, Correction, DigestRun, MaintenanceRun, Person
from storage.overview import (
    TOTALS,
    Activity,
    ChatListing,
    PersonListing,
    active_in,
    chat_listing,
    person_listing,
    select_chats,
    select_people,
)
from storage.records import (
    AnalysisRecord,
    ChatRef,
    ChatSettings,
    CorrectedAnalysis,
    PersonPreferences,
    PersonRef,
    ScheduledChat,
)
from storage.records import (
    Correction as CorrectionRecord,
)
from storage.rows import (
    Choices,
    analysis_row,
    chat_key,
    chat_ref_of,
    chat_row,
    choice_columns,
    choices_of,
    is_chat,
    is_person,
    person_key,
    person_row,
    record_of,
    select_records,
)
from storage.settings import StorageSettings, printable_url
from storage.summaries import (
    ChatSummary,
    Contributor,
    EmotionCounts,
    PersonHistory,
    day_bounds,
    days_of,
)

log = logging.getLogger(__name__)

# The statements every summary runs, built once (see storage/counts.py).
_PERSON_TIMEZONE = select(Person.id, Person.timezone).where(
    is_person(bindparam("platform"), bindparam("key"))
)
_CHAT_TIMEZONE = select(Chat.id, Chat.timezone).where(
    is_chat(bindparam("platform"), bindparam("key"))
)
_LATEST = (
    select_records()
    .where(Analysis.person_id == bindparam("person_id"))
    .where(counts.between(bindparam("start"), bindparam("end")))
    .order_by(Analysis.created_at.desc(), Analysis.id.desc())
    .limit(bindparam("last"))
)


class Store:
    """People's history and chats' summaries and settings, on SQLite or PostgreSQL.

    Open one per process and share it between tasks: it holds a pool of connections and every
    method is one short transaction. `now` arguments exist for tests and replays; they default
    to the current time.
    """

    def __init__(self, database: Database, retention: timedelta) -> None:
        self._db = database
        self._retention = retention
        # Built once: SQLAlchemy caches their SQL, yet building an ON CONFLICT clause costs
        # more than SQLite takes to run it.
        insert = database.upsert
        people = (
            insert(Person),
            (Person.platform, Person.platform_user_id),
            (Person.id, Person.opt_out_history),
        )
        chats = (insert(Chat), (Chat.platform, Chat.platform_chat_id), (Chat.id,))
        choices = list(choice_columns(PersonPreferences()))
        chat_settings = list(choice_columns(ChatSettings()))
        self._people_seen = _upsert(*people, refreshing=["display_name"])
        self._people_choosing = _upsert(*people, refreshing=["display_name", *choices])
        self._chats_seen = _upsert(*chats, refreshing=["kind", "title"])
        self._chats_setting = _upsert(*chats, refreshing=["kind", "title", *chat_settings])
        self._digest_claims = (
            insert(DigestRun)
            .on_conflict_do_nothing(index_elements=["chat_id", "due_at"])
            .returning(DigestRun.id)
        )
        self._maintenance_claims = (
            insert(MaintenanceRun)
            .on_conflict_do_nothing(index_elements=["job", "due_at"])
            .returning(MaintenanceRun.id)
        )
        corrections = insert(Correction)
        # One correction per person per face: the latest wins.
        self._corrections = corrections.on_conflict_do_update(
            index_elements=["analysis_id", "face_index", "person_id"],
            set_={column: corrections.excluded[column] for column in ("emotion", "created_at")},
        )
        self._new_analyses = (
            insert(Analysis)
            .on_conflict_do_nothing(index_elements=["chat_id", "platform_message_id"])
            .returning(Analysis.id)
        )

    @classmethod
    async def open(cls, settings: StorageSettings, *, migrate: bool = True) -> Self:
        """Connect to `settings.url` and, unless told not to, migrate the schema to the latest."""
        log.info("storage at %s", printable_url(settings.url))
        database = Database(settings)
        if migrate:
            try:
                await upgrade(database)
            except BaseException:
                await database.close()
                raise
        return cls(database, timedelta(days=settings.retention_days))

    async def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def record(self, analysis: AnalysisRecord) -> bool:
        """Record one photo's analysis; False if it was recorded before (a redelivered update)
        or its sender opted out of history."""
        return await self.record_many([analysis]) == 1

    async def record_many(self, analyses: Sequence[AnalysisRecord]) -> int:
        """Record analyses in one transaction; returns how many were new and kept."""
        if not analyses:
            return 0
        now = datetime.now(UTC)
        async with self._db.writing() as connection:
            people = await self._save_people(connection, [a.person for a in analyses], now)
            chats = await self._save_chats(connection, [a.chat for a in analyses], now)
            rows = [
                analysis_row(analysis, person.id, chats[chat_key(analysis.chat)].id)
                for analysis in analyses
                if not (person := people[person_key(analysis.person)]).opt_out_history
            ]
            if not rows:
                return 0
            # In key order too: two batches redelivering the same messages never deadlock.
            rows.sort(key=lambda row: (row["chat_id"], row["platform_message_id"]))
            return len((await connection.execute(self._new_analyses, rows)).all())

    async def person_history(
        self,
        platform: str,
        user_id: str,
        *,
        days: int = 30,
        last: int = 5,
        now: datetime | None = None,
    ) -> PersonHistory:
        """A person's last `days` local days in every chat, and their `last` latest analyses."""
        async with self._db.reading() as connection:
            key = {"platform": platform, "key": user_id}
            person = (await connection.execute(_PERSON_TIMEZONE, key)).one_or_none()
            timezone = person.timezone if person else PersonPreferences().timezone
            bounds = day_bounds(now or datetime.now(UTC), timezone, days)
            if person is None:
                return PersonHistory.of(timezone, bounds, [], [])
            window = {"person_id": person.id, "start": bounds[0], "end": bounds[-1]}
            latest = await connection.execute(_LATEST, {**window, "last": last})
            return PersonHistory.of(
                timezone,
                bounds,
                await counts.per_day(connection, person.id, bounds),
                [record_of(row) for row in latest],
            )

    async def chat_summary(
        self,
        platform: str,
        chat_id: str,
        *,
        days: int = 7,
        top: int = 3,
        now: datetime | None = None,
    ) -> ChatSummary:
        """A chat's last `days` local days against the `days` before them, and its `top`
        contributors among those who did not opt out of being named."""
        async with self._db.reading() as connection:
            key = {"platform": platform, "key": chat_id}
            chat = (await connection.execute(_CHAT_TIMEZONE, key)).one_or_none()
            timezone = chat.timezone if chat else ChatSettings().timezone
            bounds = day_bounds(now or datetime.now(UTC), timezone, 2 * days)
            since, start, end = bounds[0], bounds[days], bounds[-1]
            if chat is None:
                return ChatSummary.of(timezone, start, end, [], 0, [])
            return ChatSummary.of(
                timezone,
                start,
                end,
                await counts.per_window(connection, chat.id, since, start, end),
                await counts.active_people(connection, chat.id, start, end),
                [
                    Contributor(*row)
                    for row in await counts.top_contributors(connection, chat.id, start, end, top)
                ],
            )

    async def forget_person(self, platform: str, user_id: str) -> int:
        """Delete a person, every analysis and correction of theirs in every chat and their
        private chats with the bot (whose title is their name), in one transaction; returns
        how many analyses went. Nothing of anyone else is touched."""
        async with self._db.writing() as connection:
            # Locked (on PostgreSQL; SQLite's writer holds the whole database) so that a photo
            # recorded meanwhile waits, then finds the person gone and starts them afresh.
            person_id = await connection.scalar(
                select(Person.id).where(is_person(platform, user_id)).with_for_update()
            )
            if person_id is None:
                return 0
            private_chats = list(
                await connection.scalars(
                    select(Analysis.chat_id)
                    .join(Chat, Chat.id == Analysis.chat_id)
                    .where(Analysis.person_id == person_id, Chat.kind == "private")
                    .distinct()
                )
            )
            # Corrections go first: SQLite applies ON DELETE CASCADE only where the connection
            # enforces foreign keys, and a person's word is theirs to take back either way.
            await connection.execute(delete(Correction).where(Correction.person_id == person_id))
            await connection.execute(
                delete(Correction).where(
                    Correction.analysis_id.in_(
                        select(Analysis.id).where(Analysis.person_id == person_id)
                    )
                )
            )
            analyses = await connection.execute(
                delete(Analysis).where(Analysis.person_id == person_id)
            )
            await connection.execute(delete(Person).where(Person.id == person_id))
            await connection.execute(
                delete(Chat).where(
                    Chat.id.in_(private_chats), ~exists().where(Analysis.chat_id == Chat.id)
                )
            )
        return analyses.rowcount

    async def purge_expired(self, now: datetime | None = None) -> int:
        """Delete analyses older than the retention setting; returns how many went."""
        cutoff = (now or datetime.now(UTC)) - self._retention
        async with self._db.writing() as connection:
            expired = select(Analysis.id).where(Analysis.created_at < cutoff)
            await connection.execute(delete(Correction).where(Correction.analysis_id.in_(expired)))
            purged = await connection.execute(delete(Analysis).where(Analysis.created_at < cutoff))
        return purged.rowcount

    async def export_person(self, platform: str, user_id: str) -> str | None:
        """Everything held about a person, as a JSON document; None if nothing is held."""
        async with self._db.reading() as connection:
            person = (
                await connection.execute(select(Person).where(is_person(platform, user_id)))
            ).one_or_none()
            if person is None:
                return None
            analyses = await connection.execute(
                select_records()
                .where(Analysis.person_id == person.id)
                .order_by(Analysis.created_at, Analysis.id)
            )
            records = [record_of(row) for row in analyses]
            corrections = await connection.execute(
                select(
                    Chat.platform_chat_id,
                    Analysis.platform_message_id,
                    Correction.face_index,
                    Correction.emotion,
                    Correction.created_at,
                )
                .join(Analysis, Analysis.id == Correction.analysis_id)
                .join(Chat, Chat.id == Analysis.chat_id)
                .where(Correction.person_id == person.id)
                .order_by(Correction.created_at, Correction.id)
            )
            return person_export_json(
                PersonRef(platform, user_id, person.display_name),
                choices_of(PersonPreferences, person),
                person.created_at,
                records,
                [
                    CorrectionRecord(platform, chat, message, index + 1, user_id, emotion, at)
                    for chat, message, index, emotion, at in corrections
                ],
            )

    async def activity(self, *, days: int = 14, now: datetime | None = None) -> Activity:
        """Every chat's photos over the last `days` UTC days, today included (operators' view)."""
        bounds = day_bounds(now or datetime.now(UTC), "UTC", days)
        async with self._db.reading() as connection:
            per_day = await counts.per_day(connection, None, bounds)
            people, chats = (await connection.execute(active_in(bounds[0], bounds[-1]))).one()
            total_people, total_chats = (await connection.execute(TOTALS)).one()
        return Activity(
            start=bounds[0],
            end=bounds[-1],
            days=days_of(bounds, per_day),
            emotions=EmotionCounts.of((emotion, photos) for _, emotion, photos in per_day),
            active_people=people,
            active_chats=chats,
            people=total_people,
            chats=total_chats,
        )

    async def correct(self, correction: CorrectionRecord) -> bool:
        """Keep a person's correction of one face of a recorded photo, replacing theirs of
        that face before; False if the photo (or that face) is not recorded."""
        async with self._db.writing() as connection:
            person_id = await connection.scalar(
                select(Person.id).where(is_person(correction.platform, correction.user_id))
            )
            analysis = (
                await connection.execute(
                    select(Analysis.id, Analysis.face_count)
                    .join(Chat, Chat.id == Analysis.chat_id)
                    .where(
                        is_chat(correction.platform, correction.chat_id),
                        Analysis.platform_message_id == correction.message_id,
                    )
                )
            ).one_or_none()
            if person_id is None or analysis is None or correction.face > analysis.face_count:
                return False
            row = {
                "analysis_id": analysis.id,
                "face_index": correction.face - 1,
                "person_id": person_id,
                "emotion": correction.emotion,
                "created_at": correction.at,
            }
            await connection.execute(self._corrections, [row])
        return True

    async def corrected_analysis(
        self, platform: str, chat_id: str, message_id: str
    ) -> CorrectedAnalysis | None:
        """A recorded photo's analysis with its sender's corrections; None if not recorded."""
        async with self._db.reading() as connection:
            row = (
                await connection.execute(
                    select_records()
                    .add_columns(Analysis.id, Analysis.person_id)
                    .where(is_chat(platform, chat_id), Analysis.platform_message_id == message_id)
                )
            ).one_or_none()
            if row is None:
                return None
            corrections = await connection.execute(
                select(Correction.face_index, Correction.emotion).where(
                    Correction.analysis_id == row.id, Correction.person_id == row.person_id
                )
            )
            return CorrectedAnalysis(
                record_of(row), {index + 1: emotion for index, emotion in corrections}
            )

    async def agreement(
        self, *, days: int = 30, platform: str | None = None, now: datetime | None = None
    ) -> Agreement:
        """Over the last `days` UTC days (today included), on `platform` or all: the share
        of answered faces nobody corrected, per day, and which emotions people chose instead."""
        bounds = day_bounds(now or datetime.now(UTC), "UTC", days)
        async with self._db.reading() as connection:
            return await agreement(connection, bounds, platform)

    async def find_people(self, text: str = "", *, limit: int = 50) -> tuple[PersonListing, ...]:
        """People whose name contains `text` (any case) or whose user id is `text`; everyone
        when it is empty. In the order they were first seen."""
        query = select_people().limit(limit)
        if text:
            query = query.where(
                Person.display_name.icontains(text, autoescape=True)
                | (Person.platform_user_id == text)
            )
        async with self._db.reading() as connection:
            return tuple(person_listing(row) for row in await connection.execute(query))

    async def person(self, platform: str, user_id: str) -> PersonListing | None:
        """One person as `find_people` lists them; None if the store holds nothing of them."""
        async with self._db.reading() as connection:
            query = select_people().where(is_person(platform, user_id))
            row = (await connection.execute(query)).one_or_none()
        return person_listing(row) if row else None

    async def chats(self, *, limit: int = 500) -> tuple[ChatListing, ...]:
        """Chats in the order they were first seen, with their settings and latest digest."""
        async with self._db.reading() as connection:
            rows = await connection.execute(select_chats().limit(limit))
            return tuple(chat_listing(row) for row in rows)

    async def chat(self, platform: str, chat_id: str) -> ChatListing | None:
        """One chat as `chats` lists them; None if it was never seen."""
        async with self._db.reading() as connection:
            query = select_chats().where(is_chat(platform, chat_id))
            row = (await connection.execute(query)).one_or_none()
        return chat_listing(row) if row else None

    async def chats_with_photos_since(
        self, platform: str, since: datetime, *, limit: int
    ) -> tuple[ChatRef, ...]:
        """The chats of `platform` with a photo recorded that was sent at `since` or later, the
        most recently active first, at most `limit`: where people are talking to the bot now,
        for an adapter catching up on what it missed while it was down."""
        query = (
            select(Chat.platform, Chat.platform_chat_id, Chat.kind, Chat.title)
            .join(Analysis, Analysis.chat_id == Chat.id)
            .where(Chat.platform == platform, Analysis.created_at >= since)
            .group_by(Chat.id)
            .order_by(func.max(Analysis.created_at).desc())
            .limit(limit)
        )
        async with self._db.reading() as connection:
            return tuple(chat_ref_of(row) for row in await connection.execute(query))

    @property
    def sql_engine(self) -> AsyncEngine:
        """The database engine, for views that browse the tables themselves (the dashboard's
        read-only record pages); the bot goes through the methods above."""
        return self._db.engine

    async def set_preferences(self, person: PersonRef, preferences: PersonPreferences) -> None:
        """Save what a person chose (language, time zone, opt-outs)."""
        async with self._db.writing() as connection:
            await self._save_people(connection, [person], datetime.now(UTC), preferences)

    async def preferences(self, platform: str, user_id: str) -> PersonPreferences:
        """What a person chose; the defaults for someone never seen."""
        return await self._choices(PersonPreferences, Person, is_person(platform, user_id))

    async def set_chat_settings(self, chat: ChatRef, settings: ChatSettings) -> None:
        """Save how a chat wants its summaries."""
        async with self._db.writing() as connection:
            await self._save_chats(connection, [chat], datetime.now(UTC), settings)

    async def chat_settings(self, platform: str, chat_id: str) -> ChatSettings:
        """A chat's settings; the defaults for a chat never seen."""
        return await self._choices(ChatSettings, Chat, is_chat(platform, chat_id))

    async def scheduled_chats(self) -> tuple[ScheduledChat, ...]:
        """Every chat with a summary schedule, for the scheduler to plan at start-up."""
        async with self._db.reading() as connection:
            chats = await connection.execute(
                select(Chat).where(Chat.summary_cron.is_not(None)).order_by(Chat.id)
            )
            return tuple(
                ScheduledChat(chat_ref_of(chat), choices_of(ChatSettings, chat)) for chat in chats
            )

    async def scheduled_chat(self, platform: str, chat_id: str) -> ScheduledChat | None:
        """One chat with its settings, if it has a summary schedule (as a job fires)."""
        async with self._db.reading() as connection:
            chat = (
                await connection.execute(
                    select(Chat).where(is_chat(platform, chat_id), Chat.summary_cron.is_not(None))
                )
            ).one_or_none()
        return ScheduledChat(chat_ref_of(chat), choices_of(ChatSettings, chat)) if chat else None

    async def claim_digest(self, platform: str, chat_id: str, due_at: datetime) -> bool:
        """Claim the digest of a chat due at `due_at`; False if it was claimed before (by this
        process before a restart, or by another process sharing the database)."""
        async with self._db.writing() as connection:
            chat = await connection.scalar(select(Chat.id).where(is_chat(platform, chat_id)))
            if chat is None:
                return False
            row = {"chat_id": chat, "due_at": due_at, "claimed_at": datetime.now(UTC)}
            return (await connection.execute(self._digest_claims, [row])).first() is not None

    async def claim_maintenance(self, job: str, due_at: datetime) -> bool:
        """Claim the run of maintenance `job` (e.g. "purge") due at `due_at`; False if it was
        claimed before, by this process or another sharing the database."""
        row = {"job": job, "due_at": due_at, "claimed_at": datetime.now(UTC)}
        async with self._db.writing() as connection:
            return (await connection.execute(self._maintenance_claims, [row])).first() is not None

    async def _choices(
        self, kind: type[Choices], model: type[Person | Chat], where: ColumnElement[bool]
    ) -> Choices:
        """The preferences or settings in the row `where` finds; the defaults if none does."""
        async with self._db.reading() as connection:
            row = (await connection.execute(select(model).where(where))).one_or_none()
        return choices_of(kind, row) if row else kind()

    async def _save_people(
        self,
        connection: AsyncConnection,
        people: Iterable[PersonRef],
        now: datetime,
        preferences: PersonPreferences | None = None,
    ) -> dict[tuple[str, str], Row[Any]]:
        """Insert the people not seen before and refresh the others' names (and choices, when
        `preferences` are given); returns each one's id and opt-out of history by key."""
        latest = {person_key(person): person for person in people}
        # Rows go in key order, the same for every writer, so two batches never deadlock.
        rows = [
            person_row(person, preferences or PersonPreferences(person.language), now)
            for _, person in sorted(latest.items())
        ]
        upsert = self._people_choosing if preferences else self._people_seen
        return await _by_key(connection, upsert, rows)

    async def _save_chats(
        self,
        connection: AsyncConnection,
        chats: Iterable[ChatRef],
        now: datetime,
        settings: ChatSettings | None = None,
    ) -> dict[tuple[str, str], Row[Any]]:
        """Insert the chats not seen before and refresh the others' titles and kinds (and
        settings, when given); returns each one's id by key."""
        latest = {chat_key(chat): chat for chat in chats}
        # In key order, as people are.
        rows = [
            chat_row(chat, settings or ChatSettings(), now) for _, chat in sorted(latest.items())
        ]
        upsert = self._chats_setting if settings else self._chats_seen
        return await _by_key(connection, upsert, rows)


def _upsert(
    insert: Any,
    key: Sequence[Any],
    returning: Sequence[Any],
    *,
    refreshing: Sequence[str],
) -> Any:
    """`insert`, updating the `refreshing` columns of a row that already holds its `key`;
    either way returning the key and `returning` of the row."""
    return insert.on_conflict_do_update(
        index_elements=key, set_={column: insert.excluded[column] for column in refreshing}
    ).returning(*key, *returning)


async def _by_key(
    connection: AsyncConnection, upsert: Any, rows: list[dict[str, Any]]
) -> dict[tuple[str, str], Row[Any]]:
    return {(row[0], row[1]): row for row in await connection.execute(upsert, rows)}
