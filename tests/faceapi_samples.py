"""face-api.js's six sample photos (tests/fixtures/faceapi) with the faces face-api found in
them and the emotion it read: real group photos with real boxes, no engine needed."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).parent / "fixtures" / "faceapi"
# face-api's expression names as ours.
_EMOTIONS = {
    "neutral": "neutral",
    "happy": "happy",
    "sad": "sad",
    "angry": "angry",
    "fearful": "fear",
    "disgusted": "disgust",
    "surprised": "surprise",
}


@dataclass(frozen=True)
class SampleFace:
    box: tuple[int, int, int, int]
    emotion: str


@dataclass(frozen=True)
class Sample:
    name: str
    path: Path
    faces: tuple[SampleFace, ...]  # left to right, as the bot numbers them


def faceapi_samples() -> Iterator[Sample]:
    photos = json.loads((FOLDER / "reference.json").read_text())["photos"]
    for name, photo in sorted(photos.items()):
        faces = [
            SampleFace(
                tuple(round(value) for value in face["box"]),
                _EMOTIONS[max(face["expressions"], key=face["expressions"].get)],
            )
            for face in photo["faces"]
        ]
        faces.sort(key=lambda face: face.box[0])
        yield Sample(name, FOLDER / name, tuple(faces))
