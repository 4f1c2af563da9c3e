#!/usr/bin/env bash
# Restore a deploy/backup.sh archive into a NEW, empty database, then check it: every migration the code
# knows is applied (manage.py migrate --check) and the main tables have rows. It never writes into a
# database that already has tables, so it cannot overwrite production by mistake: restore beside it,
# check, then point DATABASE_URL at the restored database (or rename databases) during a maintenance window.
#
#   deploy/restore.sh /var/backups/skillbridge/skillbridge-20261128T194500Z.dump \
#       postgres://skillbridge:...@db:5432/skillbridge_restored
#
# The target database is created when missing, through the server's "postgres" database with the same
# credentials (or MAINTENANCE_DATABASE_URL); the role needs CREATEDB for that. With SOURCE_DATABASE_URL set
# (the database the archive came from, when it still exists), the row counts are compared with it and any
# difference fails. PYTHON is the app's interpreter (default: .venv/bin/python beside manage.py, else python3).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BACKUP_FILE TARGET_DATABASE_URL" >&2
  exit 2
fi
archive=$1
target=$2
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$here/.venv/bin/python" ]; then PYTHON="$here/.venv/bin/python"; else PYTHON=python3; fi
fi
JOBS=${RESTORE_JOBS:-2}
# Tables whose row counts are printed (and compared with SOURCE_DATABASE_URL when set).
TABLES=${CHECK_TABLES:-"auth_user people_person people_department assessments_assessment assessments_rating devplans_plan devplans_goal devplans_checkin catalog_course people_outboundemail"}

[ -r "$archive" ] || { echo "restore: cannot read $archive" >&2; exit 2; }
case "$target" in
  postgres://* | postgresql://*) ;;
  *) echo "restore: TARGET_DATABASE_URL must start with postgres:// or postgresql://" >&2; exit 2 ;;
esac
name=${target##*/}
name=${name%%\?*}
case "$name" in
  '' | *[!A-Za-z0-9_]*) echo "restore: the target database name must be letters, digits and _" >&2; exit 2 ;;
esac
maintenance=${MAINTENANCE_DATABASE_URL:-${target%/*}/postgres}

started=$(date +%s)
pg_restore --list "$archive" >/dev/null

exists=$(psql "$maintenance" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = "1" ]; then
  tables=$(psql "$target" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
  if [ "$tables" != "0" ]; then
    echo "restore: $name already has $tables tables; restore into a new database" >&2
    exit 1
  fi
else
  psql "$maintenance" -XAtqc "CREATE DATABASE \"$name\""
  echo "restore: created database $name"
fi

# --no-owner/--no-privileges: the objects belong to the role restoring them, whatever role made the dump.
pg_restore --no-owner --no-privileges --exit-on-error --jobs="$JOBS" --dbname="$target" "$archive"
# Fresh planner statistics, or the first hours of queries on the restored database are slow.
psql "$target" -XAtqc "ANALYZE" >/dev/null
restored=$(date +%s)

echo "restore: $archive ($(stat -c %s "$archive") bytes) into $name in $((restored - started))s"

cd "$here"
DATABASE_URL="$target" "$PYTHON" manage.py migrate --check >/dev/null \
  || { echo "restore: the restored database lacks migrations this code has (manage.py migrate --check)" >&2; exit 1; }
echo "restore: manage.py migrate --check: every migration applied"

status=0
for table in $TABLES; do
  count=$(psql "$target" -XAtqc "SELECT count(*) FROM \"$table\"")
  if [ -n "${SOURCE_DATABASE_URL:-}" ]; then
    source_count=$(psql "$SOURCE_DATABASE_URL" -XAtqc "SELECT count(*) FROM \"$table\"")
    mark="source $source_count"
    [ "$count" = "$source_count" ] || { mark="$mark  DIFFERENT"; status=1; }
    printf 'restore: %-28s %10s rows   (%s)\n' "$table" "$count" "$mark"
  else
    printf 'restore: %-28s %10s rows\n' "$table" "$count"
  fi
done
users=$(psql "$target" -XAtqc "SELECT count(*) FROM auth_user")
[ "$users" -gt 0 ] || { echo "restore: auth_user is empty: this is not a SkillBridge backup with data" >&2; status=1; }
exit "$status"
