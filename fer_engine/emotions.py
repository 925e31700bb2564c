"""The seven emotion classes in the one order every part of ferbot uses (RAF-DB's)."""

from collections.abc import Mapping, Sequence

EMOTIONS: tuple[str, ...] = ("surprise", "fear", "disgust", "happy", "sad", "angry", "neutral")

# Other datasets and models spell the classes their own way; these are the names we accept.
_ALIASES: Mapping[str, str] = {
    "surprised": "surprise",
    "fearful": "fear",
    "disgusted": "disgust",
    "happiness": "happy",
    "sadness": "sad",
    "anger": "angry",
}


def canonical_emotion(name: str) -> str:
    """Map a label spelled by another dataset or model ("fearful", "Anger") to ours."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in EMOTIONS:
        raise ValueError(f"unknown emotion label {name!r}; expected one of {', '.join(EMOTIONS)}")
    return key


def reorder_to_emotions(labels: Sequence[str]) -> list[int]:
    """Indices that turn a vector in `labels` order into EMOTIONS order.

    A model trained with another label order is mapped at its edge with
    `scores[..., reorder_to_emotions(its_labels)]`, so nothing downstream ever sees its order.
    """
    names = [canonical_emotion(label) for label in labels]
    if sorted(names) != sorted(EMOTIONS):
        raise ValueError(f"labels {list(labels)} are not a permutation of {list(EMOTIONS)}")
    return [names.index(emotion) for emotion in EMOTIONS]
