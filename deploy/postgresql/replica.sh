#!/bin/sh
# Make this host a streaming replica of the opengov primary (PostgreSQL 15; adjust VERSION, or
# DATA and BIN, for another version or layout). Run as root on the replica host:
#
#   PRIMARY=10.0.0.21 REPL_PW=... sh replica.sh
#
# On the primary first (once):
#   - postgresql.conf: wal_level = replica (default), max_wal_senders = 10 (default),
#     wal_keep_size = 1GB (or a replication slot: pg_basebackup -C -S opengov_replica),
#     listen_addresses covering the replica's network;
#   - pg_hba.conf:
#       host replication opengov_replica 10.0.0.22/32 scram-sha-256
#       host opengov     opengov         10.0.0.0/24  scram-sha-256
#   - systemctl reload postgresql
# Then point OPENGOV_DATABASE_READ_URL of the application hosts at this replica.
#
# Settings (environment; defaults for Debian's postgresql-15 under systemd):
#   PRIMARY, REPL_PW   address of the primary, password of the replication role (required)
#   PRIMARY_PORT       the primary's port (5432)
#   REPL_USER          the replication role (opengov_replica, as deploy/postgresql/setup.sql)
#   VERSION, CLUSTER   15, main
#   DATA, BIN          /var/lib/postgresql/$VERSION/$CLUSTER, /usr/lib/postgresql/$VERSION/bin
#   SERVICE            the systemd unit (postgresql@$VERSION-$CLUSTER); set it empty for a
#                      server run without systemd: it is then stopped and started with pg_ctl
#   PORT, SOCKET_DIR   this server's port and socket folder (5432, /var/run/postgresql): the
#                      final check connects there; with SERVICE empty pg_ctl starts it there
# tests/production/pgcluster.py makes the replica of the replica tests with this script.
set -eu
: "${PRIMARY:?address of the primary}" "${REPL_PW:?password of the replication role}"
PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPL_USER=${REPL_USER:-opengov_replica}
VERSION=${VERSION:-15}
CLUSTER=${CLUSTER:-main}
DATA=${DATA:-/var/lib/postgresql/$VERSION/$CLUSTER}
BIN=${BIN:-/usr/lib/postgresql/$VERSION/bin}
SERVICE=${SERVICE-postgresql@$VERSION-$CLUSTER}
PORT=${PORT:-5432}
SOCKET_DIR=${SOCKET_DIR:-/var/run/postgresql}

# As root: the server's commands run as the postgres OS user (runuser is in util-linux, so no
# sudo is needed on a minimal server); as another user, that user owns the cluster.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -n "$SERVICE" ]; then
    systemctl stop "$SERVICE"
elif [ -f "$DATA/postmaster.pid" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -w -m fast stop
fi
# The replica starts from a copy of the primary: empty the data folder (kept aside).
if [ -e "$DATA" ]; then
    mv "$DATA" "$DATA.before-replica.$(date +%s)"
fi
if [ "$(id -u)" = 0 ]; then
    install -d -o postgres -g postgres -m 700 "$DATA"
else
    install -d -m 700 "$DATA"
fi
# -R writes primary_conninfo and standby.signal: the copy starts as a streaming standby.
# -c fast: the primary checkpoints at once instead of at its next scheduled checkpoint.
as_postgres env PGPASSWORD="$REPL_PW" "$BIN/pg_basebackup" -h "$PRIMARY" -p "$PRIMARY_PORT" \
    -U "$REPL_USER" -D "$DATA" -X stream -R -c fast
if [ -n "$SERVICE" ]; then
    systemctl start "$SERVICE"
else
    as_postgres "$BIN/pg_ctl" -D "$DATA" -w -t 120 -l "$DATA/server.log" \
        -o "-c port=$PORT -c unix_socket_directories=$SOCKET_DIR" start
fi
as_postgres "$BIN/psql" -h "$SOCKET_DIR" -p "$PORT" -U postgres -d postgres -Atc \
    "SELECT pg_is_in_recovery()"   # t: a replica
