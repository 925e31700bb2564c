"""How `ferbot analyze` prints a photo's analysis: JSON lines for scripts, text for people."""

import json
from dataclasses import dataclass

from fer_engine import Analysis

_DECIMALS = 4


@dataclass(frozen=True)
class PhotoReport:
    """One photo's outcome: its analysis, or the reason it has none."""

    path: str
    analysis: Analysis | None
    error: str | None

    def to_json(self) -> str:
        """The contract scripts rely on: path, faces with their fields, error."""
        faces = [
            {
                "box": list(face.box),
                "emotion": face.emotion,
                "confidence": round(face.confidence, _DECIMALS),
                "probs": {name: round(p, _DECIMALS) for name, p in face.probs.items()},
                "caption": face.caption,
            }
            for face in (self.analysis.faces if self.analysis else ())
        ]
        return json.dumps(
            {"path": self.path, "faces": faces, "error": self.error}, ensure_ascii=False
        )

    def to_text(self) -> str:
        """A few lines a person reads: each face numbered left to right."""
        if self.error is not None:
            return f"{self.path}: {self.error}"
        assert self.analysis is not None
        faces = self.analysis.faces
        if not faces:
            return f"{self.path}: no face found"
        lines = [f"{self.path}: {len(faces)} face{'s' if len(faces) > 1 else ''}"]
        for number, face in enumerate(faces, start=1):
            x, y, w, h = face.box
            lines.append(
                f"  {number}. {face.emotion} {face.confidence:.0%}  at x={x} y={y} {w}x{h}"
            )
            lines.append("     " + "  ".join(f"{n} {p:.0%}" for n, p in face.probs.items()))
            if face.caption is not None:
                lines.append(f"     caption: {face.caption}")
        return "\n".join(lines)
