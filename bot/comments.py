"""Short comments the bot adds to each face, chosen at random per emotion and language.

The study's web app did the same; here a person never gets the same comment twice in a row.
"""

import random
from collections import OrderedDict
from collections.abc import Mapping, Sequence

COMMENTS: Mapping[str, Mapping[str, Sequence[str]]] = {
    "en": {
        "happy": (
            "That smile could light up a room!",
            "Happiness looks good on you.",
            "Whatever made you smile, hold on to it.",
            "Pure joy, caught on camera.",
            "That grin is contagious.",
            "A happy face is a great way to start a conversation.",
            "Keep that mood going!",
            "Good vibes detected.",
            "Someone's having a good day.",
            "Smiles like that are worth sharing.",
            "Joy, in high resolution.",
        ),
        "sad": (
            "It's okay to have a down moment.",
            "Sending a little warmth your way.",
            "Tough days pass; you don't have to rush it.",
            "If something's weighing on you, talking helps.",
            "Be gentle with yourself today.",
            "A cup of tea and a deep breath might help.",
            "Even cloudy days end.",
            "You're not alone in feeling this way.",
            "Take the time you need.",
            "Hoping tomorrow feels a bit lighter.",
            "A sad face deserves a kind word: here's one.",
        ),
        "angry": (
            "Deep breath in... and out.",
            "Something clearly got under your skin.",
            "Anger is energy: maybe a walk would help.",
            "Counting to ten is an old trick for a reason.",
            "Whatever it was, it's not worth your whole day.",
            "That's a serious frown.",
            "Maybe step away for a minute?",
            "Strong feelings, strong face.",
            "Let it out, then let it go.",
            "Fair enough to be annoyed sometimes.",
            "Hope the cause of that scowl sorts itself out.",
        ),
        "surprise": (
            "Whoa, what happened?",
            "Didn't see that coming, did you?",
            "Eyebrows up: something unexpected!",
            "Surprise caught in the act.",
            "That's a plot-twist face.",
            "Something just blew your mind.",
            "Jaw-drop moment!",
            "Life loves a surprise.",
            "Wide eyes, big news?",
            "Good surprise or bad surprise?",
            "The look of pure astonishment.",
        ),
        "fear": (
            "Yikes, what was that?",
            "You're safe here.",
            "Scary moments pass.",
            "Courage is being scared and going anyway.",
            "Take a breath; you've got this.",
            "Was it a spider?",
            "Fear means you care about something.",
            "Nothing to be afraid of in this chat.",
            "Hold on, it'll be fine.",
            "Brave faces are sometimes scared ones.",
            "That looks like a horror-movie moment.",
        ),
        "disgust": (
            "Ew, what did you just see?",
            "That face says 'no thank you'.",
            "Something smells off?",
            "Not a fan, clearly.",
            "Whatever it was, we can skip it.",
            "That's the look of a strong opinion.",
            "Yuck, got it.",
            "Some things are better left uneaten.",
            "The universal face of 'nope'.",
            "Your face is doing the talking.",
            "Hopefully it's gone now.",
        ),
        "neutral": (
            "Calm and collected.",
            "A perfect poker face.",
            "Cool as a cucumber.",
            "Steady, thoughtful, unreadable.",
            "The face of quiet focus.",
            "Keeping it low-key.",
            "Serene vibes.",
            "Hard to tell what you're thinking, and that's fine.",
            "Balanced, like all things should be.",
            "Composure: level expert.",
            "A moment of calm.",
        ),
    },
    "ko": {
        "happy": (
            "미소가 정말 환해요!",
            "행복한 표정이 잘 어울려요.",
            "무엇이 웃게 했든 오래 간직하세요.",
            "순수한 기쁨이 사진에 담겼네요.",
            "웃음이 전염될 것 같아요.",
            "오늘 좋은 일이 있었나 봐요.",
            "이 기분 그대로 쭉 가요!",
            "좋은 기운이 느껴져요.",
            "보는 사람까지 기분이 좋아져요.",
            "이런 미소는 나눌수록 좋아요.",
            "행복이 고화질로 찍혔어요.",
        ),
        "sad": (
            "가끔은 울적해도 괜찮아요.",
            "따뜻한 마음을 보내 드려요.",
            "힘든 날도 지나가요. 서두르지 않아도 돼요.",
            "마음이 무거우면 이야기해 보는 것도 도움이 돼요.",
            "오늘은 스스로에게 다정해지세요.",
            "따뜻한 차 한 잔과 깊은 숨 한 번 어때요?",
            "흐린 날도 언젠가는 개요.",
            "이런 기분, 혼자만 느끼는 게 아니에요.",
            "필요한 만큼 시간을 가져요.",
            "내일은 조금 더 가벼워지길 바라요.",
            "슬픈 얼굴에는 다정한 한마디가 필요하죠. 힘내요.",
        ),
        "angry": (
            "숨을 깊게 들이쉬고... 내쉬고.",
            "뭔가 단단히 신경 쓰이게 했나 봐요.",
            "화는 에너지예요. 잠깐 산책은 어때요?",
            "열까지 세는 데는 다 이유가 있어요.",
            "무슨 일이든 하루를 다 망칠 가치는 없어요.",
            "표정이 꽤 심각해요.",
            "잠깐 자리를 비워 보는 건 어때요?",
            "감정이 강한 만큼 표정도 강하네요.",
            "털어놓고, 흘려보내요.",
            "가끔 화가 나는 건 당연해요.",
            "찡그리게 만든 일이 잘 풀리길 바라요.",
        ),
        "surprise": (
            "와, 무슨 일이에요?",
            "예상 못 했죠?",
            "눈썹이 올라갔어요. 뭔가 뜻밖의 일이!",
            "놀란 순간이 딱 잡혔어요.",
            "반전 드라마 같은 표정이에요.",
            "방금 엄청난 걸 봤나 봐요.",
            "입이 떡 벌어지는 순간!",
            "인생은 놀라움의 연속이죠.",
            "눈이 휘둥그레졌어요. 큰 소식인가요?",
            "좋은 놀람이에요, 나쁜 놀람이에요?",
            "순수한 놀라움 그 자체예요.",
        ),
        "fear": (
            "헉, 방금 뭐였어요?",
            "여기는 안전해요.",
            "무서운 순간은 지나가요.",
            "용기란 무서워도 해내는 거래요.",
            "숨 한 번 쉬고, 할 수 있어요.",
            "혹시 거미였나요?",
            "두려움은 소중한 게 있다는 뜻이기도 해요.",
            "이 대화방에는 무서운 게 없어요.",
            "조금만 버티면 괜찮아질 거예요.",
            "용감한 얼굴도 가끔은 겁먹어요.",
            "공포 영화의 한 장면 같아요.",
        ),
        "disgust": (
            "으, 방금 뭘 본 거예요?",
            "표정이 '사양할게요'라고 말하네요.",
            "뭔가 이상한 냄새라도 났나요?",
            "확실히 마음에 안 드나 봐요.",
            "무엇이든 그냥 넘어가도 돼요.",
            "확고한 의견이 담긴 표정이에요.",
            "으악, 알겠어요.",
            "어떤 건 안 먹는 게 나아요.",
            "만국 공통 '싫어요' 표정이에요.",
            "얼굴이 다 말해 주네요.",
            "이제는 사라졌길 바라요.",
        ),
        "neutral": (
            "차분하고 침착해요.",
            "완벽한 포커페이스예요.",
            "아주 담담하네요.",
            "속을 알 수 없는 진지한 얼굴이에요.",
            "조용히 집중하는 표정이에요.",
            "잔잔한 분위기예요.",
            "평온한 기운이 느껴져요.",
            "무슨 생각인지 알기 어렵지만, 그것도 좋아요.",
            "균형 잡힌 모습이에요.",
            "침착함 만렙이에요.",
            "고요한 한순간이에요.",
        ),
    },
}

_REMEMBERED_PEOPLE = 100_000  # last comments kept in memory, least recently used dropped first


class CommentPicker:
    """Random comments that never repeat the previous one given to the same person."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._last: OrderedDict[str, str] = OrderedDict()

    def pick(self, person: str, language: str, emotion: str) -> str:
        choices = [c for c in COMMENTS[language][emotion] if c != self._last.get(person)]
        comment = self._rng.choice(choices)
        self._last[person] = comment
        self._last.move_to_end(person)
        if len(self._last) > _REMEMBERED_PEOPLE:
            self._last.popitem(last=False)
        return comment
