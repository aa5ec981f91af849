"""Settings: precedence, validation, and a README that lists every one of them."""

from pathlib import Path

import pytest

from opengov.settings import load_settings, settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_precedence_config_over_env_over_toml(tmp_path):
    toml = tmp_path / "opengov.toml"
    toml.write_text('[opengov]\nbase_url = "https://toml.example"\nlog_level = "DEBUG"\n'
                    'count_cache_size = 5\n')
    env = {"OPENGOV_CONFIG": str(toml), "OPENGOV_BASE_URL": "https://env.example"}
    s = load_settings({"log_level": "WARNING"}, environ=env)
    assert (s.base_url, s.log_level, s.count_cache_size) == ("https://env.example", "WARNING", 5)


def test_default_database_is_sqlite_in_instance_folder(tmp_path):
    s = load_settings({"instance_path": tmp_path}, environ={})
    assert s.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'opengov.sqlite3'}"
    assert s.is_default_database


def test_unknown_or_malformed_settings_are_errors():
    with pytest.raises(ValueError, match="unknown settings: colour"):
        load_settings({"colour": "red"}, environ={})
    with pytest.raises(ValueError, match="integer"):
        load_settings(environ={"OPENGOV_COUNT_CACHE_SIZE": "lots"})


def test_readme_documents_every_setting():
    readme = README.read_text(encoding="utf-8")
    missing = [env for env, _, _ in settings_table() if f"`{env}`" not in readme]
    assert not missing, f"README settings table lacks {missing}"
