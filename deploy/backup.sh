#!/usr/bin/env bash
# Back up SkillBridge's PostgreSQL database: one pg_dump custom-format archive (compressed, restorable table
# by table and in parallel) with a UTC timestamp in its name, checked readable, then archives older than
# KEEP_DAYS removed. Run it daily (deploy/systemd/skillbridge-backup.timer, or cron).
#
#   DATABASE_URL=postgres://skillbridge:...@db:5432/skillbridge \
#   BACKUP_DIR=/var/backups/skillbridge KEEP_DAYS=14 deploy/backup.sh
#
# The archives hold personal data (people, assessments, feedback): the directory is made private to the
# user running this, and copies kept elsewhere should be encrypted. Needs pg_dump and pg_restore of the
# server's major version or newer.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL (postgres://user:password@host:5432/name)}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/skillbridge}
KEEP_DAYS=${KEEP_DAYS:-14}
PREFIX=${BACKUP_PREFIX:-skillbridge}

case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup: DATABASE_URL must start with postgres:// or postgresql:// (libpq reads it)" >&2; exit 2 ;;
esac
case "$KEEP_DAYS" in
  '' | *[!0-9]*) echo "backup: KEEP_DAYS must be a whole number of days" >&2; exit 2 ;;
esac

umask 077
mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$BACKUP_DIR/$PREFIX-$stamp.dump"
partial="$BACKUP_DIR/.$PREFIX-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

started=$(date +%s)
# One consistent snapshot (pg_dump runs in a single repeatable-read transaction); users keep working.
pg_dump --format=custom --compress=6 --file="$partial" --dbname="$DATABASE_URL"
# A truncated or corrupt archive fails here rather than on the day it is needed.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"
trap - EXIT
seconds=$(($(date +%s) - started))

# Only our own archives, only at the top of BACKUP_DIR, only older than KEEP_DAYS.
find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PREFIX-*.dump" -mtime +"$KEEP_DAYS" -print -delete \
  | sed 's/^/backup: removed /'

echo "backup: $final $(stat -c %s "$final") bytes in ${seconds}s"
