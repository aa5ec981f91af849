#!/bin/sh
# Build pygeoapi's own virtualenv for the land benchmark (the anchor of issue 3).
#
#   sh benchmarks/pygeoapi/setup.sh [VENV]     # default: benchmarks/.work/pygeoapi-venv
#
# Needs Debian's python3 (its sqlite3 can load extensions; a pyenv build may not) and
# Debian's libsqlite3-mod-spatialite (apt-get install -y python3-venv libsqlite3-mod-spatialite).
# Idempotent: an existing venv that already imports pygeoapi is left as it is.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-"$(dirname "$here")/.work/pygeoapi-venv"}
python=${PYGEOAPI_PYTHON:-/usr/bin/python3}

"$python" - <<'PY'
import sqlite3
conn = sqlite3.connect(":memory:")
conn.enable_load_extension(True)  # AttributeError: this Python's sqlite3 cannot load extensions
conn.load_extension("mod_spatialite")  # OperationalError: libsqlite3-mod-spatialite is missing
PY

if [ -x "$venv/bin/pygeoapi" ] && "$venv/bin/python" -c "import pygeoapi" 2>/dev/null; then
    echo "pygeoapi venv ready: $venv"
    exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
echo "pygeoapi $("$venv/bin/python" -c 'import pygeoapi; print(pygeoapi.__version__)') in $venv"
