"""What crosses between the Ray ingress and its callers: an analysis or a refusal, as plain
JSON-able data, the same through a DeploymentHandle and over HTTP."""

from typing import Any

from fer_engine.analysis import Analysis, Face
from fer_engine.errors import BadImage

Wire = dict[str, Any]


def served(analysis: Analysis, batch_faces: int) -> Wire:
    """An analysis, and the size of the model batch its faces rode in (for the caller's stats)."""
    faces = [
        {
            "box": list(face.box),
            "emotion": face.emotion,
            "confidence": face.confidence,
            "probs": dict(face.probs),
            "caption": face.caption,
            "landmarks": None if face.landmarks is None else [list(p) for p in face.landmarks],
        }
        for face in analysis.faces
    ]
    return {
        "analysis": {
            "faces": faces,
            "image_size": list(analysis.image_size),
            "model_version": analysis.model_version,
            "timings": dict(analysis.timings),
            "faces_found": analysis.faces_found,
        },
        "batch_faces": batch_faces,
    }


def refused(error: BadImage) -> Wire:
    """A photo the engine will not read: the reason the bot words for the person, and the
    detail for logs."""
    return {"refused": {"reason": error.reason, "detail": error.detail}}


def unwire(wire: Wire) -> tuple[Analysis, int]:
    """The analysis and its batch size back from `served`; a refusal raises its `BadImage`."""
    if "refused" in wire:
        refusal = wire["refused"]
        raise BadImage(refusal["reason"], refusal["detail"])
    data = wire["analysis"]
    faces = tuple(
        Face(
            box=tuple(face["box"]),
            emotion=face["emotion"],
            confidence=face["confidence"],
            probs=face["probs"],
            caption=face["caption"],
            landmarks=None
            if face["landmarks"] is None
            else tuple(tuple(point) for point in face["landmarks"]),
        )
        for face in data["faces"]
    )
    analysis = Analysis(
        faces,
        tuple(data["image_size"]),
        data["model_version"],
        data["timings"],
        data["faces_found"],
    )
    return analysis, wire["batch_faces"]
