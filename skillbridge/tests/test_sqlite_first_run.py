"""The SQLite first-run mode takes concurrent writes (several sections autosaving at once) without
"database is locked": WAL, a busy timeout and transactions that take the write lock when they start."""

import threading
import time

from django.db import OperationalError, transaction
from django.db.utils import ConnectionHandler

from skillbridge.settings import SQLITE_OPTIONS


def _read_then_write_in_parallel(path, options, *, workers=6, rounds=8):
    """Each worker, in its own connection, reads and then writes in one transaction, as a save does."""
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}}
    )
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS saves (id INTEGER PRIMARY KEY, n INTEGER)")
    handler["default"].close()
    errors, start = [], threading.Barrier(workers)

    def work():
        start.wait()
        try:
            for _ in range(rounds):
                try:
                    with transaction.atomic(using="default"), handler["default"].cursor() as cursor:
                        cursor.execute("SELECT COUNT(*) FROM saves")
                        time.sleep(0.003)
                        cursor.execute("INSERT INTO saves (n) VALUES (1)")
                except OperationalError as exc:
                    errors.append(str(exc))
        finally:
            handler["default"].close()

    # transaction.atomic() looks the alias up in django.db.connections: point it at these connections.
    import django.db.transaction as tx

    real = tx.connections
    tx.connections = handler
    try:
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        tx.connections = real
    with handler["default"].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM saves")
        (count,) = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()
    handler["default"].close()
    return errors, count, mode


def test_concurrent_saves_on_the_first_run_database_all_succeed(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        errors, count, mode = _read_then_write_in_parallel(tmp_path / "first-run.sqlite3", SQLITE_OPTIONS)
    assert errors == []
    assert count == 6 * 8
    assert mode == "wal"


def test_without_those_options_the_same_saves_fail_with_database_is_locked(tmp_path, django_db_blocker):
    """What was seen before the options: the same load answers "database is locked"."""
    with django_db_blocker.unblock():
        errors, count, _ = _read_then_write_in_parallel(tmp_path / "plain.sqlite3", {"timeout": 0.05})
    assert errors and all("locked" in e for e in errors)
    assert count < 6 * 8
