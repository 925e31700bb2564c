""" "Try it": upload a photo and see what the bot would answer, face by face; nothing is
recorded and no limit is counted. The reply comes from the bot's own photo code."""

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.photos import annotated_photo, read_photo
from bot.texts import EMOJI
from dashboard.auth import form_action, operators_of, page
from dashboard.rendering import jpeg_data_url, render, texts_of
from dashboard.state import context_of


@dataclass(frozen=True)
class FaceRow:
    """A face as the page lists it."""

    number: int
    emoji: str
    emotion: str
    confidence: float
    box: tuple[int, int, int, int]
    probabilities: tuple[tuple[str, float], ...]


@page
async def try_page(request: Request) -> Response:
    return render(request, "try.html")


@form_action()
async def try_photo(request: Request, form: FormData) -> Response:
    """Read the uploaded photo as the bot would, and show its reply and every face."""
    upload = form.get("photo")
    texts = texts_of(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return render(request, "try.html", status_code=400, error=texts("try.no_file"))
    ctx = context_of(request)
    limits = ctx.settings.engine.image
    # One byte past the limit is enough for the engine to say the photo is too large.
    data = await upload.read(limits.max_bytes + 1)
    person = f"dashboard:{operators_of(request).operator_of(request)}"
    reading = await read_photo(ctx, data, person, texts)
    faces: list[FaceRow] = []
    preview = None
    if reading.analysis is not None:
        faces = [
            FaceRow(
                number,
                EMOJI[face.emotion],
                texts.emotion(face.emotion),
                face.confidence,
                face.box,
                tuple((texts.emotion(name), p) for name, p in face.probs.items()),
            )
            for number, face in enumerate(reading.analysis.faces, start=1)
        ]
        drawn = await annotated_photo(ctx, data, reading.analysis, reading.reply.faces)
        preview = jpeg_data_url(drawn)
    return render(
        request,
        "try.html",
        reply=reading.reply.text,
        faces=faces,
        preview=preview,
        latency_ms=round(reading.latency_ms),
    )


ROUTES = [
    Route("/try", try_page, methods=["GET"]),
    Route("/try", try_photo, methods=["POST"]),
]
