from fer_engine import EMOTIONS as ENGINE_EMOTIONS
from storage import EMOTIONS, NEGATIVE_EMOTIONS


def test_the_store_names_the_emotions_as_the_engine_does_in_its_order() -> None:
    assert EMOTIONS == ENGINE_EMOTIONS


def test_the_negative_emotions_are_angry_disgust_fear_and_sad() -> None:
    assert {"angry", "disgust", "fear", "sad"} == NEGATIVE_EMOTIONS
