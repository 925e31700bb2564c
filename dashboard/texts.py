"""The dashboard's words in English and Korean, chosen from the browser's Accept-Language."""

from collections.abc import Mapping

from bot.texts import DEFAULT_LANGUAGE, LANGUAGES, Texts, language_of

PAGES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "ferbot dashboard",
        "nav.overview": "Overview",
        "nav.people": "People",
        "nav.chats": "Chats",
        "nav.analyses": "Analyses",
        "nav.try": "Try it",
        "nav.logout": "Log out",
        "login.title": "Operator login",
        "login.password": "Password",
        "login.submit": "Log in",
        "login.wrong": "Wrong password.",
        "login.too_many": "Too many attempts; try again in {seconds} seconds.",
        "csrf.refused": "This form expired or did not come from this dashboard; reload the page.",
        "overview.title": "Overview",
        "overview.window": "The last {days} days (UTC)",
        "overview.photos": "Photos",
        "overview.active_people": "Active people",
        "overview.active_chats": "Active chats",
        "overview.people": "People in the store",
        "overview.chats": "Chats in the store",
        "overview.engine": "Engine",
        "overview.queue": "Queue depth",
        "overview.batch": "Mean batch size",
        "overview.latency": "Latency p50 / p99",
        "overview.requests": "Requests answered",
        "overview.errors": "Errors by kind",
        "overview.no_errors": "No errors.",
        "overview.model": "Model",
        "overview.chart_title": "Photos of every chat",
        "overview.agreement": "Agreement",
        "overview.agreement_title": "Do people agree with the bot?",
        "overview.platform": "Platform",
        "overview.all_platforms": "all",
        "overview.period": "Days",
        "overview.show": "Show",
        "people.title": "People",
        "people.search": "Name or user id",
        "people.search_button": "Search",
        "people.none": "Nobody found.",
        "people.platform": "Platform",
        "people.user_id": "User id",
        "people.name": "Name",
        "people.analyses": "Analyses",
        "people.first_seen": "First seen",
        "people.last_seen": "Latest photo",
        "person.history": "History",
        "person.export": "Export as JSON",
        "person.forget": "Forget this person",
        "person.preferences": "Language {language}, time zone {timezone}, "
        "history opt-out {history}, digest opt-out {summaries}",
        "forget.title": "Forget {name}?",
        "forget.warning": "This deletes {name} and all {count} analyses of theirs, in every "
        "chat, at once. It cannot be undone.",
        "forget.confirm": "Yes, forget them",
        "forget.cancel": "No, go back",
        "forget.done": "{name} was forgotten: {count} analyses deleted.",
        "forget.gone": "Nothing is held of this person (any more).",
        "chats.title": "Chats",
        "chats.chat": "Chat",
        "chats.kind": "Kind",
        "chats.schedule": "Digest schedule",
        "chats.threshold": "Alert above",
        "chats.last_digest": "Latest digest",
        "chats.state": "Digests",
        "chats.paused": "paused",
        "chats.running": "running",
        "chats.none": "none",
        "chats.pause": "Pause",
        "chats.resume": "Resume",
        "chats.empty": "No chats yet.",
        "chats.changed": "Digests of {chat}: {state}.",
        "try.title": "Try it",
        "try.explain": "Upload a photo to see what the bot would answer. Nothing is recorded.",
        "try.photo": "Photo",
        "try.submit": "Read the faces",
        "try.reply": "The bot's reply",
        "try.faces": "Faces",
        "try.face": "Face {number}",
        "try.box": "at x={x} y={y}, {w}x{h} px",
        "try.no_file": "Choose a photo first.",
        "try.latency": "Read in {ms} ms.",
        "not_found": "Not found.",
        "yes": "yes",
        "no": "no",
    },
    "ko": {
        "title": "ferbot 대시보드",
        "nav.overview": "개요",
        "nav.people": "사람",
        "nav.chats": "채팅",
        "nav.analyses": "분석 기록",
        "nav.try": "직접 해 보기",
        "nav.logout": "로그아웃",
        "login.title": "운영자 로그인",
        "login.password": "비밀번호",
        "login.submit": "로그인",
        "login.wrong": "비밀번호가 틀렸어요.",
        "login.too_many": "시도가 너무 많아요. {seconds}초 뒤에 다시 해 주세요.",
        "csrf.refused": (
            "이 양식은 만료되었거나 이 대시보드에서 온 것이 아니에요. 새로고침해 주세요."
        ),
        "overview.title": "개요",
        "overview.window": "최근 {days}일 (UTC)",
        "overview.photos": "사진",
        "overview.active_people": "활동한 사람",
        "overview.active_chats": "활동한 채팅",
        "overview.people": "저장된 사람",
        "overview.chats": "저장된 채팅",
        "overview.engine": "엔진",
        "overview.queue": "대기열 길이",
        "overview.batch": "평균 배치 크기",
        "overview.latency": "지연 p50 / p99",
        "overview.requests": "답한 요청",
        "overview.errors": "종류별 오류",
        "overview.no_errors": "오류가 없어요.",
        "overview.agreement": "일치도",
        "overview.agreement_title": "사람들이 봇의 답에 동의하나요?",
        "overview.platform": "플랫폼",
        "overview.all_platforms": "전체",
        "overview.period": "기간(일)",
        "overview.show": "보기",
        "overview.model": "모델",
        "overview.chart_title": "모든 채팅의 사진",
        "people.title": "사람",
        "people.search": "이름 또는 사용자 ID",
        "people.search_button": "찾기",
        "people.none": "아무도 찾지 못했어요.",
        "people.platform": "플랫폼",
        "people.user_id": "사용자 ID",
        "people.name": "이름",
        "people.analyses": "분석",
        "people.first_seen": "처음 본 때",
        "people.last_seen": "마지막 사진",
        "person.history": "기록",
        "person.export": "JSON으로 내보내기",
        "person.forget": "이 사람 잊기",
        "person.preferences": "언어 {language}, 시간대 {timezone}, 기록 거부 {history}, "
        "요약 제외 {summaries}",
        "forget.title": "{name} 님을 잊을까요?",
        "forget.warning": "{name} 님과 모든 채팅의 분석 {count}건을 한 번에 지워요. 되돌릴 수 "
        "없어요.",
        "forget.confirm": "네, 잊어 주세요",
        "forget.cancel": "아니요, 돌아가기",
        "forget.done": "{name} 님을 잊었어요: 분석 {count}건 삭제.",
        "forget.gone": "이 사람에 대해 (더 이상) 저장된 것이 없어요.",
        "chats.title": "채팅",
        "chats.chat": "채팅",
        "chats.kind": "종류",
        "chats.schedule": "요약 일정",
        "chats.threshold": "경고 기준",
        "chats.last_digest": "마지막 요약",
        "chats.state": "요약",
        "chats.paused": "일시 중지",
        "chats.running": "진행 중",
        "chats.none": "없음",
        "chats.pause": "일시 중지",
        "chats.resume": "다시 시작",
        "chats.empty": "아직 채팅이 없어요.",
        "chats.changed": "{chat}의 요약: {state}.",
        "try.title": "직접 해 보기",
        "try.explain": "사진을 올리면 봇이 뭐라고 답할지 보여 드려요. 아무것도 저장하지 않아요.",
        "try.photo": "사진",
        "try.submit": "얼굴 읽기",
        "try.reply": "봇의 답",
        "try.faces": "얼굴",
        "try.face": "얼굴 {number}",
        "try.box": "x={x} y={y} 위치, {w}x{h} 픽셀",
        "try.no_file": "먼저 사진을 골라 주세요.",
        "try.latency": "{ms}ms 만에 읽었어요.",
        "not_found": "찾을 수 없어요.",
        "yes": "예",
        "no": "아니요",
    },
}


def accepted_language(header: str | None) -> str:
    """The language of ours the browser prefers most (Accept-Language, with its q-values)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, quality = item.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        language = language_of(tag)
        if weight > 0 and (language != DEFAULT_LANGUAGE or tag.lower().startswith("en")):
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


class PageTexts(Texts):
    """The bot's sentences (emotion names, replies) and the dashboard's own, in one language."""

    def __init__(self, language: str) -> None:
        super().__init__(language if language in LANGUAGES else DEFAULT_LANGUAGE)
        self._pages = PAGES[self.language]

    def __call__(self, key: str, **fields: object) -> str:
        if key in self._pages:
            return self._pages[key].format(**fields)
        return super().__call__(key, **fields)
