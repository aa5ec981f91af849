"""Receipt pins: a keyed hash with the installation's secret, from the setting or a file."""

import stat

import pytest

from opengov.dossiers.pins import SECRET_FILE, Pins, PinSecretError, load_secret


def test_the_secret_file_is_created_once_private_and_reused(tmp_path):
    first = load_secret("", tmp_path / "instance")
    path = tmp_path / "instance" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret("", tmp_path / "instance") == first
    assert load_secret("", tmp_path / "other") != first
    assert [p.name for p in path.parent.iterdir()] == [SECRET_FILE]  # no temporary left


def test_the_setting_wins_and_must_be_long_enough(tmp_path):
    assert load_secret("s" * 16, tmp_path) == b"s" * 16
    assert not (tmp_path / SECRET_FILE).exists()
    with pytest.raises(PinSecretError, match="at least 16"):
        load_secret("short", tmp_path)


def test_a_hash_matches_only_its_code_pin_and_secret():
    pins = Pins(b"one installation's secret")
    stored = pins.digest("D1", "4821")
    assert len(stored) == 64 and "4821" not in stored
    assert pins.matches("D1", "4821", stored)
    assert not pins.matches("D1", "4822", stored)
    assert not pins.matches("D2", "4821", stored)
    assert pins.digest("D2", "4821") != stored  # equal pins of two dossiers differ
    assert not Pins(b"another installation").matches("D1", "4821", stored)
    assert not pins.matches("D1", "4821", None)
