"""The README documents every setting and both commands that CI relies on."""

from pathlib import Path

from assistant.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [name for name in Settings.model_fields if f"| `VIA_{name.upper()}` |" not in README]
    assert missing == []


def test_readme_names_the_run_and_test_commands() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make run" in README and "make test" in README
    assert ci.strip().endswith("make test")
