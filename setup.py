"""Packages of the distribution; everything else is in setup.cfg.

The sample datasets stay at the top level of the repository (``datasets/``) and ship inside
the package as ``opengov.sample_datasets``: a data-only package mapped from that folder.
"""

from setuptools import find_namespace_packages, setup

setup(
    # Namespace discovery also lists the template folders, so they ship as package data.
    packages=[*find_namespace_packages(include=["opengov", "opengov.*"],
                                       exclude=["*.__pycache__"]),
              "opengov.sample_datasets"],
    package_dir={"opengov.sample_datasets": "datasets"},
)
