"""Pages rendered from the templates, in the browser's language, with what every page needs."""

import base64
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from dashboard.texts import PageTexts, accepted_language


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use (the login page has one too)."""
    return request.session.setdefault("csrf", secrets.token_urlsafe(32))


def texts_of(request: Request) -> PageTexts:
    """The dashboard's and the bot's words in the language the browser prefers."""
    return PageTexts(accepted_language(request.headers.get("accept-language")))


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    """`template` with the request's texts (`t`), the session's CSRF token (`csrf`) and the
    operator's name (`operator`, None before login)."""
    operators = request.app.state.operators
    texts = texts_of(request)
    response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            "t": texts,
            "csrf": csrf_token(request),
            "operator": operators.operator_of(request),
            **context,
        },
        status_code=status_code,
    )
    response.headers["Content-Language"] = texts.language
    return response


def png_data_url(png: bytes) -> str:
    """A PNG as a data: URL, so a chart shows inline without a second request."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def jpeg_data_url(jpeg: bytes) -> str:
    """A JPEG (a photo drawn with its faces) as a data: URL, shown inline."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
