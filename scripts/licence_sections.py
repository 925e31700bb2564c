"""fer_engine/weights/LICENSE.md is shared by the converters: each rewrites only its section."""

from pathlib import Path


def write_section(path: Path, text: str) -> None:
    """Put `text` (a section opening with a `# ` heading) into `path`, in place of the section
    with the same heading or after the others, so converting one model keeps the rest."""
    heading = text.splitlines()[0]
    sections = _sections(path.read_text()) if path.is_file() else []
    replaced = [text if section.splitlines()[0] == heading else section for section in sections]
    if text not in replaced:
        replaced.append(text)
    path.write_text("\n".join(section.rstrip("\n") + "\n" for section in replaced))


def _sections(document: str) -> list[str]:
    sections: list[list[str]] = []
    for line in document.splitlines(keepends=True):
        if line.startswith("# ") or not sections:
            sections.append([])
        sections[-1].append(line)
    return ["".join(lines) for lines in sections]
