"""The emotion names the store accepts and the ones its summaries count as negative.

storage may not import fer_engine (design.md: the store knows nothing of the engine), so the
class order is spelled here once more; tests/storage/test_emotions.py fails the moment it
differs from fer_engine.EMOTIONS. The negative set is the store's own: chat summaries report
its share.
"""

EMOTIONS: tuple[str, ...] = ("surprise", "fear", "disgust", "happy", "sad", "angry", "neutral")

NEGATIVE_EMOTIONS: frozenset[str] = frozenset({"angry", "disgust", "fear", "sad"})
