"""The package finds its data through ``importlib.resources``, never relative to a checkout."""

from __future__ import annotations

import configparser
import re
from fnmatch import fnmatch
from pathlib import Path

import opengov
from opengov.sample import sample_datasets

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "opengov"


def test_no_module_finds_data_relative_to_its_source_file():
    offenders = [str(p.relative_to(REPO)) for p in PACKAGE.rglob("*.py")
                 if re.search(r"Path\(__file__\)|parents\[\d\]", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_data_file_of_the_package_is_declared_package_data():
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    patterns = [p.strip() for p in config["options.package_data"]["opengov"].split(",")]
    data = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    # setuptools' ``**/`` also matches no folder at all
    globs = patterns + [p.replace("**/", "") for p in patterns]
    assert data and all(any(fnmatch(f, glob) for glob in globs) for f in data), data


def test_the_sample_is_package_data_with_every_dataset():
    assert sample_datasets() == (REPO / "datasets").resolve()  # an editable install
    assert (sample_datasets() / "cameras" / "metadata.yaml").is_file()
    assert "version = attr: opengov.__version__" in (REPO / "setup.cfg").read_text()
    assert re.fullmatch(r"\d+\.\d+\.\d+", opengov.__version__)  # defined once, in opengov
