"""The licence file beside the bundled weights: one section per converted model.

Each converter script rewrites only its own section (a level-1 Markdown heading and what
follows it up to the next one), so converting one model again keeps the others' notices.
"""

from pathlib import Path


def write_licence_section(path: Path, section: str) -> None:
    """Put `section` (starting with its `# heading` line) into `path`, replacing the section
    with the same heading, or appending it when there is none yet."""
    heading = section.splitlines()[0]
    if not heading.startswith("# "):
        raise ValueError(f"a licence section starts with a '# ' heading, not {heading!r}")
    sections = _sections(path.read_text()) if path.exists() else []
    headings = [text.splitlines()[0] for text in sections]
    body = section.strip() + "\n"
    if heading in headings:
        sections[headings.index(heading)] = body
    else:
        sections.append(body)
    path.write_text("\n".join(sections))


def _sections(text: str) -> list[str]:
    """The file cut before each level-1 heading (text before the first one is kept with it)."""
    sections: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("# ") or not sections:
            sections.append([])
        sections[-1].append(line)
    return ["\n".join(lines).strip() + "\n" for lines in sections]
