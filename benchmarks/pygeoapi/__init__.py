"""pygeoapi, the anchor of the land benchmark: its own virtualenv, config and server.

``setup.sh`` builds the virtualenv (Debian's python3, pygeoapi 0.21, gunicorn);
:mod:`benchmarks.pygeoapi.anchor` writes a config and serves it under gunicorn.
"""
