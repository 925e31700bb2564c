"""Everything the bot says, in English and Korean; templates take named fields.

A whole-number field picks its noun's form in a template: `{photos:photo|photos}` is "photo"
for 1 and "photos" otherwise. Korean counters do not change with the number, so its templates
need none.
"""

from collections.abc import Mapping

LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"

EMOJI: Mapping[str, str] = {
    "surprise": "😮",
    "fear": "😨",
    "disgust": "🤢",
    "happy": "😊",
    "sad": "😢",
    "angry": "😠",
    "neutral": "😐",
}
# In front of a face the bot is not sure about (`bot.unsure_below`).
UNSURE_EMOJI = "🤔"

EMOTION_NAMES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "surprise": "surprised",
        "fear": "afraid",
        "disgust": "disgusted",
        "happy": "happy",
        "sad": "sad",
        "angry": "angry",
        "neutral": "neutral",
    },
    "ko": {
        "surprise": "놀람",
        "fear": "두려움",
        "disgust": "혐오",
        "happy": "행복",
        "sad": "슬픔",
        "angry": "화남",
        "neutral": "무표정",
    },
}

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "start": (
            "Hi! Send me a photo and I'll tell you, for every face in it, which emotion it "
            "shows, with a sentence about it and a short comment.\n"
            "Privacy: I never keep your photos, only the emotions I saw, so /history can "
            "show your mood over time. /forget deletes all of it.\n"
            "Commands: /help"
        ),
        "help": (
            "Send a photo (or an image file) and I'll read every face in it.\n"
            "/history [7d|30d|90d|all]: your moods over a period, with a chart\n"
            "/forget: delete everything I know about you\n"
            "/privacy: what I keep and why\n"
            "/lang ko|en: answer in Korean or English\n"
            "/auto on|off: in a group, read every photo (admins only)\n"
            "/summary: the group's mood now; /summary_schedule, /summary_tz, "
            "/summary_alert: digests on a schedule (admins only)\n"
            "/optout on|off: never be named in group digests\n"
            "/stats: the engine's load and latency (operators only)"
        ),
        "privacy": (
            "What I keep: for each photo you send, the emotions I saw (7 numbers per face), "
            "the sentence I wrote, when and in which chat. Never the photo itself.\n"
            "Why: so /history can show your moods, and groups can get mood summaries.\n"
            "Analyses are deleted after {retention_days} days. /forget deletes everything "
            "of yours at once."
        ),
        "faces_found": "I found {count} faces (numbered left to right):",
        "face_found": "I found one face:",
        "unsure": "not sure: {first} or {second}",
        "no_face": (
            "I couldn't find a face in this photo. What helps: the face looking at the "
            "camera, good light on it, and the whole face in the picture, forehead to chin "
            "(close-ups are fine; faces far away are hard to find)."
        ),
        "more_faces": "(I read {shown} of {found} faces, the largest {shown:one|ones}.)",
        "busy": "I'm a bit busy right now; please try again in a moment.",
        "timeout": "That took too long; please try again.",
        "restarting": "I'm restarting; please try again in a minute.",
        "sorry": "Sorry, something went wrong on my side. Please try again later.",
        "rate_limited": (
            "That's a lot of photos! Please wait {seconds} {seconds:second|seconds} before the "
            "next one."
        ),
        "bad_image.empty": "This file is empty.",
        "bad_image.not_a_picture": "This file is not a picture I can open.",
        "bad_image.wrong_format": "I can read JPEG, PNG, WebP, BMP and GIF pictures.",
        "bad_image.damaged": "This picture seems damaged or incomplete; please send it again.",
        "bad_image.too_many_bytes": "This picture is too large; please send a smaller one.",
        "bad_image.too_many_pixels": "This picture has too many pixels; please send a smaller one.",
        "too_large_to_download": (
            "This file is larger than {limit_mb} MB; please send a smaller one."
        ),
        "history.empty": "No photos in {period}. Send me one!",
        "history.summary": (
            "In {period}: {photos} {photos:photo|photos}, most often {emoji} {emotion} ({share})."
        ),
        "history.streak": "Streak: {emoji} {emotion} {days} days in a row.",
        "history.last": "Latest: {items}",
        "period.7d": "the last 7 days",
        "period.30d": "the last 30 days",
        "period.all": "the last {days} days (all I keep)",
        "history.usage": "Use /history, /history 7d, /history 30d, /history 90d or /history all.",
        "forget.ask": (
            "This deletes everything I know about you, in every chat. It cannot be undone. "
            "Are you sure?"
        ),
        "forget.yes": "Yes, delete everything",
        "forget.no": "No, keep it",
        "forget.done": (
            "Done: I deleted {count} {count:analysis|analyses} and everything else about you."
        ),
        "forget.kept": "OK, I kept everything.",
        "forget.not_yours": "Only the person who asked can answer this.",
        "lang.set": "I'll answer in English from now on.",
        "lang.usage": "Use /lang ko or /lang en.",
        "auto.on": "I'll read every photo in this group from now on.",
        "auto.off": "I'll only read photos that reply to me or mention me.",
        "auto.usage": "Use /auto on or /auto off.",
        "admins_only": "Only the group's admins can change that.",
        "private_only": "Let's do that in a private chat with me.",
        "groups_only": "That only makes sense in a group.",
        "operators_only": "That command is for the bot's operators.",
        "unknown_command": "I don't know that command. /help lists what I can do.",
        "period.1d": "the last day",
        "period.90d": "the last 90 days",
        "history.before": (
            "The {days} days before: {photos} {photos:photo|photos}, most often {emoji} {emotion}."
        ),
        "history.before_none": "No photos in the {days} days before.",
        "digest.title": "Mood in {title}, {period}",
        "digest.photos": "{photos} {photos:photo|photos} from {people} {people:person|people}.",
        "digest.mood": "Mood: {items}.",
        "digest.negative": "Negative emotions (angry, disgust, fear, sad): {share}{change}.",
        "digest.up": " ▲ {points} {points:point|points}",
        "digest.down": " ▼ {points} {points:point|points}",
        "digest.same": " (unchanged)",
        "digest.alert": "⚠️ That is above this group's alert level of {threshold}.",
        "digest.contributors": "Most active: {names}.",
        "digest.hours": "Busiest hours: {hours}.",
        "digest.empty": "No photos in {period}.",
        "summary.usage": "Use /summary, /summary 1d, /summary 7d or /summary 30d.",
        "schedule.set": "Digest scheduled: {schedule} ({timezone}).",
        "schedule.off": "No more scheduled digests.",
        "schedule.usage": (
            "Use /summary_schedule daily 21:00, /summary_schedule weekly mon 09:00 "
            "or /summary_schedule off."
        ),
        "timezone.set": "This group's time zone is now {timezone}.",
        "timezone.usage": "Use /summary_tz with a zone name, e.g. /summary_tz Asia/Seoul.",
        "alert.set": "I'll warn when negative emotions pass {threshold}.",
        "alert.off": "No more negative-mood warnings.",
        "alert.usage": "Use /summary_alert 30% or /summary_alert off.",
        "optout.on": "You won't be named in group digests any more.",
        "optout.off": "You may be named among a group's most active people again.",
        "optout.usage": "Use /optout on or /optout off.",
        "chart.distribution": "Emotions",
        "chart.per_day": "Photos per day",
        "chart.photos": "photos",
        "chart.hours": "Photos per hour of day",
        "chart.this_window": "this period",
        "chart.previous_window": "previous period",
        "chart.agreement": "Faces nobody corrected, per day",
        "chart.confusion": "Corrected faces",
        "chart.answered": "the bot said",
        "chart.chosen": "people chose",
        "menu.help": "What I can do",
        "menu.history": "Your moods over a period",
        "menu.forget": "Delete everything I know about you",
        "menu.privacy": "What I keep and why",
        "menu.lang": "Answer in Korean or English",
        "menu.auto": "Read every photo in a group (admins)",
        "menu.optout": "Never be named in group digests",
        "menu.summary": "The group's mood now (admins)",
        "menu.analyze": "Read the emotion of every face in a picture",
        "menu.stats": "The engine's load and latency (operators)",
        "menu.summary_schedule": "Post the group's digest on a schedule (admins)",
        "menu.summary_tz": "The time zone of the digest schedule (admins)",
        "menu.summary_alert": "Warn when negative emotions pass a share (admins)",
        "option.photo": "A picture with faces: JPEG, PNG, WebP, BMP or GIF",
        "option.period": "The last 7 days (default), 30 or 90 days, or all I keep",
        "option.language": "ko: Korean, en: English",
        "option.optout": "on: leave me out; off: I may be named",
        "option.auto": "on: every photo; off: photos that mention me",
        "option.window": "The last day, 7 days (default) or 30 days",
        "option.schedule": "daily 21:00, weekly mon 09:00, or off",
        "option.zone": "A zone name, e.g. Asia/Seoul",
        "option.level": "e.g. 30%, or off",
        "feedback.face": "✏️ {number} is wrong",
        "feedback.close": "Never mind",
        "feedback.corrected": "you said: {emoji} {emotion}",
        "feedback.not_yours": "Only the person who sent the photo can correct it.",
        "feedback.gone": "I no longer have that photo's answer, so there is nothing to correct.",
        "stats.agreement": (
            "Agreement, last {days} days: {agreed} of {faces} faces not corrected "
            "({corrected} corrected){instead}."
        ),
        "stats.instead": "; chosen instead: {items}",
        "stats.no_faces": "Agreement, last {days} days: no faces answered.",
        "stats": (
            "Engine: {requests} {requests:photo|photos} answered, {queue_depth} in progress, "
            "latency p50 {p50_ms} ms / p99 {p99_ms} ms, mean batch {mean_batch:.1f} faces, "
            "errors: {errors}. Model: {model_version}."
        ),
    },
    "ko": {
        "start": (
            "안녕하세요! 사진을 보내 주시면 사진 속 얼굴마다 어떤 감정이 보이는지, 그 감정을 "
            "설명하는 문장과 짧은 한마디와 함께 알려 드려요.\n"
            "개인정보: 사진은 절대 저장하지 않고, 제가 읽은 감정만 저장해서 /history 로 기분의 "
            "흐름을 보여 드려요. /forget 으로 모두 지울 수 있어요.\n"
            "명령어: /help"
        ),
        "help": (
            "사진(또는 이미지 파일)을 보내 주시면 모든 얼굴을 읽어 드려요.\n"
            "/history [7d|30d|90d|all]: 기간별 기분 기록과 차트\n"
            "/forget: 저에게 있는 내 기록 모두 삭제\n"
            "/privacy: 무엇을 왜 저장하는지\n"
            "/lang ko|en: 한국어 또는 영어로 답하기\n"
            "/auto on|off: 그룹에서 모든 사진 읽기 (관리자만)\n"
            "/summary: 지금 그룹 분위기; /summary_schedule, /summary_tz, "
            "/summary_alert: 정기 요약 (관리자만)\n"
            "/optout on|off: 그룹 요약에 내 이름 빼기\n"
            "/stats: 엔진의 부하와 지연 (운영자만)"
        ),
        "privacy": (
            "저장하는 것: 보내 주신 사진마다 제가 읽은 감정(얼굴마다 숫자 7개), 제가 쓴 문장, "
            "언제 어느 대화방인지. 사진 자체는 절대 저장하지 않아요.\n"
            "이유: /history 로 기분의 흐름을 보여 드리고, 그룹에 분위기 요약을 보내기 위해서예요.\n"
            "분석 기록은 {retention_days}일 뒤 삭제돼요. /forget 으로 한 번에 모두 지울 수 있어요."
        ),
        "faces_found": "얼굴을 {count}개 찾았어요 (왼쪽부터 번호를 매겼어요):",
        "face_found": "얼굴을 하나 찾았어요:",
        "unsure": "잘 모르겠어요: {first} 또는 {second}",
        "no_face": (
            "이 사진에서는 얼굴을 찾지 못했어요. 이렇게 찍으면 잘 찾아요: 얼굴이 카메라를 "
            "바라보고, 얼굴에 빛이 잘 들고, 이마부터 턱까지 얼굴 전체가 사진에 들어오게요 "
            "(가까이 찍은 얼굴은 괜찮지만, 멀리 있는 작은 얼굴은 찾기 어려워요)."
        ),
        "more_faces": "(얼굴 {found}개 중 가장 큰 {shown}개를 읽었어요.)",
        "busy": "지금 조금 바빠요. 잠시 후에 다시 보내 주세요.",
        "timeout": "시간이 너무 오래 걸렸어요. 다시 보내 주세요.",
        "restarting": "잠시 다시 시작하는 중이에요. 1분 뒤에 다시 보내 주세요.",
        "sorry": "죄송해요, 제 쪽에 문제가 생겼어요. 잠시 후 다시 시도해 주세요.",
        "rate_limited": "사진이 너무 많아요! {seconds}초 뒤에 다음 사진을 보내 주세요.",
        "bad_image.empty": "빈 파일이에요.",
        "bad_image.not_a_picture": "제가 열 수 있는 사진 파일이 아니에요.",
        "bad_image.wrong_format": "JPEG, PNG, WebP, BMP, GIF 사진을 읽을 수 있어요.",
        "bad_image.damaged": "사진이 손상되었거나 덜 받아진 것 같아요. 다시 보내 주세요.",
        "bad_image.too_many_bytes": "사진이 너무 커요. 더 작은 사진을 보내 주세요.",
        "bad_image.too_many_pixels": "사진의 화소가 너무 많아요. 더 작은 사진을 보내 주세요.",
        "too_large_to_download": "{limit_mb}MB보다 큰 파일이에요. 더 작은 파일을 보내 주세요.",
        "history.empty": "{period} 동안 받은 사진이 없어요. 한 장 보내 주세요!",
        "history.summary": (
            "{period} 동안 사진 {photos}장. 가장 많았던 감정은 {emoji} {emotion} ({share})."
        ),
        "history.streak": "연속 기록: {emoji} {emotion} {days}일 연속.",
        "history.last": "최근: {items}",
        "period.7d": "최근 7일",
        "period.30d": "최근 30일",
        "period.all": "보관 기간 전체(최근 {days}일)",
        "history.usage": (
            "/history, /history 7d, /history 30d, /history 90d, /history all 중에서 골라 주세요."
        ),
        "forget.ask": (
            "모든 대화방에서 저에게 있는 내 기록을 전부 삭제해요. 되돌릴 수 없어요. "
            "정말 삭제할까요?"
        ),
        "forget.yes": "네, 모두 삭제",
        "forget.no": "아니요, 그대로 둘게요",
        "forget.done": "분석 기록 {count}개와 내 정보를 모두 삭제했어요.",
        "forget.kept": "알겠어요, 모두 그대로 두었어요.",
        "forget.not_yours": "요청한 사람만 답할 수 있어요.",
        "lang.set": "이제부터 한국어로 답할게요.",
        "lang.usage": "/lang ko 또는 /lang en 으로 골라 주세요.",
        "auto.on": "이제부터 이 그룹의 모든 사진을 읽을게요.",
        "auto.off": "저에게 답장하거나 저를 언급한 사진만 읽을게요.",
        "auto.usage": "/auto on 또는 /auto off 로 골라 주세요.",
        "admins_only": "그룹 관리자만 바꿀 수 있어요.",
        "private_only": "저와의 개인 대화에서 해 주세요.",
        "groups_only": "그룹에서만 쓸 수 있는 명령이에요.",
        "operators_only": "봇 운영자만 쓸 수 있는 명령이에요.",
        "unknown_command": "모르는 명령이에요. /help 에서 할 수 있는 일을 볼 수 있어요.",
        "period.1d": "최근 하루",
        "period.90d": "최근 90일",
        "history.before": "그 전 {days}일: 사진 {photos}장, 가장 많았던 감정은 {emoji} {emotion}.",
        "history.before_none": "그 전 {days}일 동안은 사진이 없었어요.",
        "digest.title": "{title}의 분위기, {period}",
        "digest.photos": "{people}명이 보낸 사진 {photos}장.",
        "digest.mood": "분위기: {items}.",
        "digest.negative": "부정적인 감정 (화남, 혐오, 두려움, 슬픔): {share}{change}.",
        "digest.up": " ▲ {points}%p",
        "digest.down": " ▼ {points}%p",
        "digest.same": " (변화 없음)",
        "digest.alert": "⚠️ 이 그룹의 경고 기준 {threshold}을 넘었어요.",
        "digest.contributors": "가장 활발했던 사람: {names}.",
        "digest.hours": "가장 바빴던 시간: {hours}.",
        "digest.empty": "{period} 동안 사진이 없었어요.",
        "summary.usage": "/summary, /summary 1d, /summary 7d, /summary 30d 중에서 골라 주세요.",
        "schedule.set": "요약을 예약했어요: {schedule} ({timezone}).",
        "schedule.off": "예약된 요약을 껐어요.",
        "schedule.usage": (
            "/summary_schedule daily 21:00, /summary_schedule weekly mon 09:00, "
            "/summary_schedule off 중에서 골라 주세요."
        ),
        "timezone.set": "이 그룹의 시간대를 {timezone}(으)로 바꿨어요.",
        "timezone.usage": "/summary_tz 뒤에 시간대 이름을 써 주세요. 예: /summary_tz Asia/Seoul",
        "alert.set": "부정적인 감정이 {threshold}을 넘으면 알려 드릴게요.",
        "alert.off": "부정적인 분위기 경고를 껐어요.",
        "alert.usage": "/summary_alert 30% 또는 /summary_alert off 로 골라 주세요.",
        "optout.on": "이제 그룹 요약에 이름이 나오지 않아요.",
        "optout.off": "이제 다시 그룹의 활발한 사람으로 이름이 나올 수 있어요.",
        "optout.usage": "/optout on 또는 /optout off 로 골라 주세요.",
        "chart.distribution": "감정",
        "chart.per_day": "날짜별 사진",
        "chart.photos": "사진 수",
        "chart.hours": "시간대별 사진",
        "chart.this_window": "이번 기간",
        "chart.previous_window": "지난 기간",
        "chart.agreement": "고쳐지지 않은 얼굴 비율 (날짜별)",
        "chart.confusion": "고쳐진 얼굴",
        "chart.answered": "봇의 답",
        "chart.chosen": "사람들이 고른 감정",
        "menu.help": "할 수 있는 일",
        "menu.history": "기간별 기분 기록",
        "menu.forget": "내 기록 모두 삭제",
        "menu.privacy": "무엇을 왜 저장하는지",
        "menu.lang": "한국어 또는 영어로 답하기",
        "menu.auto": "그룹의 모든 사진 읽기 (관리자)",
        "menu.optout": "그룹 요약에 내 이름 빼기",
        "menu.summary": "지금 그룹 분위기 (관리자)",
        "menu.analyze": "사진 속 모든 얼굴의 감정을 읽어요",
        "menu.stats": "엔진의 부하와 지연 (운영자)",
        "menu.summary_schedule": "그룹 요약을 예약해요 (관리자)",
        "menu.summary_tz": "요약 예약의 시간대 (관리자)",
        "menu.summary_alert": "부정적인 감정이 넘으면 알려 줄 비율 (관리자)",
        "option.photo": "얼굴이 있는 사진: JPEG, PNG, WebP, BMP, GIF",
        "option.period": "최근 7일(기본), 30일, 90일, 또는 보관 기간 전체",
        "option.language": "ko: 한국어, en: 영어",
        "option.optout": "on: 빼기, off: 넣기",
        "option.auto": "on: 모든 사진, off: 저를 부른 사진만",
        "option.window": "최근 하루, 7일(기본), 30일",
        "option.schedule": "daily 21:00, weekly mon 09:00, off",
        "option.zone": "시간대 이름, 예: Asia/Seoul",
        "option.level": "예: 30%, 또는 off",
        "feedback.face": "✏️ {number}번 틀렸어요",
        "feedback.close": "괜찮아요",
        "feedback.corrected": "고쳐 주신 감정: {emoji} {emotion}",
        "feedback.not_yours": "사진을 보낸 사람만 고칠 수 있어요.",
        "feedback.gone": "그 사진의 답이 더 이상 남아 있지 않아서 고칠 수 없어요.",
        "stats.agreement": (
            "최근 {days}일 일치도: 얼굴 {faces}개 중 {agreed}가 고쳐지지 않음 "
            "({corrected}개 고쳐짐){instead}."
        ),
        "stats.instead": "; 대신 고른 감정: {items}",
        "stats.no_faces": "최근 {days}일 일치도: 답한 얼굴이 없어요.",
        "stats": (
            "엔진: 사진 {requests}장 답변, {queue_depth}장 처리 중, 지연 p50 {p50_ms}ms / p99 "
            "{p99_ms}ms, 평균 배치 {mean_batch:.1f}개, 오류: {errors}. 모델: {model_version}."
        ),
    },
}


def language_of(hint: str | None, chosen: str | None = None) -> str:
    """The person's choice (/lang) if any, else their platform language if we speak it."""
    if chosen in LANGUAGES:
        return chosen
    base = (hint or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


class Count(int):
    """A number in a template: `{n:one|other}` gives the noun's form for it, any other format
    the number itself."""

    def __format__(self, spec: str) -> str:
        if "|" not in spec:
            return super().__format__(spec)
        one, other = spec.split("|")
        return one if self == 1 else other


class Texts:
    """The sentences of one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._messages = MESSAGES[language]

    def __call__(self, key: str, **fields: object) -> str:
        counted = {
            name: Count(value) if type(value) is int else value for name, value in fields.items()
        }
        return self._messages[key].format(**counted)

    def emotion(self, name: str) -> str:
        return EMOTION_NAMES[self.language][name]
