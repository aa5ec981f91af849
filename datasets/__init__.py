"""The bundled sample datasets, importable as ``opengov.sample_datasets``.

This folder holds data only. ``setup.py`` maps it into the package at build time, so a wheel
carries it as ``opengov/sample_datasets/`` and :func:`opengov.sample.sample_datasets` finds it
with ``importlib.resources`` in a checkout, an editable install and a wheel install alike.
"""
