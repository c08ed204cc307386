"""docs/settings.md documents every setting a deployment can give."""

from __future__ import annotations

from pathlib import Path

from lmis.config import Settings

DOC = Path(__file__).parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented_with_its_environment_variable() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`LMIS_{name.upper()}`" not in text]
    assert missing == []


def test_the_embedded_default_is_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path / 'lmis.db'}"
    assert Settings(data_dir=tmp_path, database_url="postgresql://x/y").resolved_database_url() == "postgresql://x/y"
