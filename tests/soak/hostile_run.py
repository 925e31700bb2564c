"""The hostile corpus sent to `ferbot run` over both platforms: each file as a Telegram
document with the MIME type it claims and as a Discord DM attachment with that content type;
then one ordinary photo on each, to show the workers still answer."""

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.texts import Texts
from tests.fakes import fake_discord
from tests.fakes.fake_telegram import Person
from tests.images import FACE_JPEG
from tests.soak.hostile_files import CORPUS, HostileFile
from tests.soak.served import Served, served

ANSWER_S = 300.0  # a guard against a hung run, not a timing expectation
ENGLISH = Texts("en")
SENDER = Person(31337, "Hostile")
DISCORD_SENDER = fake_discord.user("970000000000000001", "Hostile")
DISCORD_DM = "970000000000000002"
# What a polite answer to a file is: a refusal naming the problem, or an analysis.
_REFUSALS = {
    ENGLISH(key)
    for key in (
        "no_face",
        "bad_image.empty",
        "bad_image.not_a_picture",
        "bad_image.wrong_format",
        "bad_image.damaged",
        "bad_image.too_many_bytes",
        "bad_image.too_many_pixels",
    )
}
_ANALYSIS = ENGLISH("face_found")  # the fast engine reads a whole picture as one face


@dataclass(frozen=True)
class Answer:
    file: str
    platform: str
    text: str

    @property
    def polite(self) -> bool:
        return self.text in _REFUSALS or self.text.startswith(_ANALYSIS)


@dataclass(frozen=True)
class HostileReport:
    answers: list[Answer]  # one per file and platform that was answered
    files: int
    after: list[Answer]  # the ordinary photos sent after the corpus
    crashes: int
    leaked: list[str]

    @property
    def impolite(self) -> list[Answer]:
        return [answer for answer in self.answers if not answer.polite]


async def send_corpus(folder: Path, corpus: tuple[HostileFile, ...] = CORPUS) -> HostileReport:
    """Every file of `corpus` through both platforms, then an ordinary photo through each."""
    async with served(folder / "hostile.db") as both:
        sending = []
        for file in corpus:  # all at once, as a flood of them would come
            data = file.make()
            sending += [
                _telegram(both, file.name, data, file.mime or "application/octet-stream"),
                _discord(both, file.name, data, file.filename, file.mime),
            ]
        answers = await asyncio.gather(*sending)
        face = FACE_JPEG.read_bytes()
        after = await asyncio.gather(
            _telegram(both, "face", face, None),
            _discord(both, "face", face, "face.jpg", "image/jpeg"),
        )
        return HostileReport(
            list(answers), len(corpus), list(after), both.crashes, both.leaked_secrets()
        )


async def _telegram(both: Served, name: str, data: bytes, mime: str | None) -> Answer:
    update = both.telegram.photo_update(SENDER, data, as_document=mime)
    both.telegram.push(update)
    answer = await asyncio.wait_for(
        both.telegram.answer_to(update["message"]["message_id"]), ANSWER_S
    )
    return Answer(name, "telegram", answer.text)


async def _discord(both: Served, name: str, data: bytes, filename: str, mime: str | None) -> Answer:
    attachment = both.discord.upload(data, filename, mime)
    message_id = both.discord.new_id()
    payload = fake_discord.message(message_id, DISCORD_DM, DISCORD_SENDER, attachments=[attachment])
    await both.discord.dispatch("MESSAGE_CREATE", payload)

    def reply() -> dict | None:
        for call in both.discord_replies():
            if str(call.body["message_reference"]["message_id"]) == message_id:
                return call.body
        return None

    await both.until(lambda: reply() is not None, ANSWER_S)
    body = reply()
    assert body is not None
    embeds = body.get("embeds") or []
    text = embeds[0].get("description", "") if embeds else body.get("content", "")
    return Answer(name, "discord", text)
