"""The licence file beside the bundled weights keeps one section per converted model."""

from pathlib import Path

from fer_engine.weights_licence import write_licence_section


def test_converting_one_model_again_keeps_the_other_models_notices(tmp_path: Path) -> None:
    licence = tmp_path / "LICENSE.md"
    write_licence_section(licence, "# Model A\n\nfrom A 1.0\n\nMIT, A\n")
    write_licence_section(licence, "# Model B\n\nfrom B 2.0\n")
    write_licence_section(licence, "# Model A\n\nfrom A 1.1\n\nMIT, A\n")
    assert licence.read_text() == "# Model A\n\nfrom A 1.1\n\nMIT, A\n\n# Model B\n\nfrom B 2.0\n"


def test_the_bundled_licence_file_names_every_bundled_model() -> None:
    text = (Path(__file__).parents[2] / "fer_engine" / "weights" / "LICENSE.md").read_text()
    assert "# Bundled face-api.js models" in text
    assert "# Bundled RetinaFace model" in text
