"""Who gets in: login, sessions, CSRF, the login limit, and what no page ever shows."""

import pytest
from starlette.routing import Route

from tests.dashboard.conftest import PASSWORD, PASSWORD_HASH, Site, csrf_of

PAGES = [
    "/",
    "/people",
    "/person?platform=telegram&id=1001",
    "/person/export?platform=telegram&id=1001",
    "/person/forget?platform=telegram&id=1001",
    "/chats",
    "/try",
    "/records/",
    "/records/analysis/list",
    "/records/person/list",
]


def form_targets(site: Site) -> list[str]:
    """Every path of the app that takes a POST, found on the app itself."""
    return [
        route.path
        for route in site.app.routes
        if isinstance(route, Route) and "POST" in (route.methods or ())
    ]


async def test_every_page_sends_a_visitor_without_a_session_to_the_login_page(site: Site) -> None:
    for path in PAGES:
        response = await site.client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next="), path


async def test_every_form_sends_a_visitor_without_a_session_to_the_login_page(site: Site) -> None:
    token = csrf_of(await site.client.get("/login"))
    targets = [path for path in form_targets(site) if path != "/login"]
    assert set(targets) >= {"/logout", "/person/forget", "/chats/digests", "/try"}
    for path in targets:
        response = await site.client.post(path, data={"csrf_token": token})
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_every_form_refuses_a_post_without_the_sessions_csrf_token(operator: Site) -> None:
    for path in form_targets(operator):
        for data in ({}, {"csrf_token": "forged"}):
            response = await operator.client.post(path, data={**data, "password": PASSWORD})
            assert response.status_code == 403, (path, data)


async def test_the_login_form_itself_needs_the_csrf_token(site: Site) -> None:
    await site.client.get("/login")
    response = await site.client.post("/login", data={"password": PASSWORD})
    assert response.status_code == 403
    assert (await site.client.get("/")).status_code == 303


async def test_the_record_views_take_no_writes_at_all(operator: Site) -> None:
    token = csrf_of(await operator.client.get("/try"))
    for path in ("/records/person/create", "/records/person/edit/1", "/records/person/delete"):
        response = await operator.client.post(path, data={"csrf_token": token})
        assert response.status_code == 405, path


async def test_the_right_password_opens_every_page(site: Site) -> None:
    response = await site.login()
    assert response.status_code == 303 and response.headers["location"] == "/"
    for path in PAGES:
        assert (await site.client.get(path)).status_code in (200, 404), path


async def test_a_wrong_password_is_refused_and_opens_nothing(site: Site) -> None:
    response = await site.login("wrong horse")
    assert response.status_code == 401
    assert "Wrong password." in response.text
    assert (await site.client.get("/")).status_code == 303


async def test_logins_beyond_the_limit_are_refused_even_with_the_right_password(
    site: Site,
) -> None:
    for _ in range(5):
        assert (await site.login("guess")).status_code == 401
    response = await site.login()
    assert response.status_code == 429
    assert (await site.client.get("/")).status_code == 303


async def test_the_session_cookie_is_secure_http_only_and_same_site_strict(site: Site) -> None:
    cookie = (await site.login()).headers["set-cookie"].lower()
    assert "; secure" in cookie and "; httponly" in cookie and "samesite=strict" in cookie


async def test_logging_out_ends_the_session_even_for_a_copy_of_its_cookie(operator: Site) -> None:
    copied = dict(operator.client.cookies)
    token = csrf_of(await operator.client.get("/"))
    assert (await operator.client.post("/logout", data={"csrf_token": token})).status_code == 303
    operator.client.cookies.clear()
    operator.client.cookies.update(copied)
    assert (await operator.client.get("/")).status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
async def test_after_login_the_operator_goes_only_to_a_path_of_this_site(
    site: Site, target: str
) -> None:
    token = csrf_of(await site.client.get("/login"))
    response = await site.client.post(
        "/login", data={"csrf_token": token, "password": PASSWORD, "next": target}
    )
    assert response.headers["location"] == "/"


async def test_no_page_shows_a_bot_token_or_the_password_hash(
    operator: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {"TELEGRAM_TOKEN": "123456:SECRET-telegram", "DISCORD_TOKEN": "SECRET.discord"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    for path in [*PAGES, "/records/chat/list", "/records/digest-run/list"]:
        body = (await operator.client.get(path)).text
        assert "SECRET" not in body and PASSWORD_HASH not in body, path
