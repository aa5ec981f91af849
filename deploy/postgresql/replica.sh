#!/bin/sh
# Make this host a streaming replica of the opengov primary (PostgreSQL 15; adjust paths for
# another version or distribution). Run as root on the replica host, with the cluster stopped:
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
set -eu
: "${PRIMARY:?address of the primary}" "${REPL_PW:?password of opengov_replica}"
VERSION=${VERSION:-15}
DATA=${DATA:-/var/lib/postgresql/$VERSION/main}
BIN=/usr/lib/postgresql/$VERSION/bin

systemctl stop "postgresql@$VERSION-main"
# The replica starts from a copy of the primary: empty the data folder (kept aside).
mv "$DATA" "$DATA.before-replica.$(date +%s)"
install -d -o postgres -g postgres -m 700 "$DATA"
# -R writes primary_conninfo and standby.signal: the copy starts as a streaming standby.
sudo -u postgres env PGPASSWORD="$REPL_PW" "$BIN/pg_basebackup" -h "$PRIMARY" \
     -U opengov_replica -D "$DATA" -X stream -R -P
systemctl start "postgresql@$VERSION-main"
sudo -u postgres psql -Atc "SELECT pg_is_in_recovery()"   # t: a replica
