"""Real services for the fault tests (skillbridge/tests/test_faults_*.py), each private to one test.

A fault test stops a service on purpose, so it never touches the shared PostgreSQL or Redis that other
tests use: it starts its own PostgreSQL cluster (PrivatePostgres) or Redis server (PrivateRedis) on a
free port, the web app as production runs it (gunicorn with deploy/gunicorn.conf.py and DEBUG off,
start_web), and talks to it over HTTP (WebClient). E-mail goes to a real SMTP server in the test process
(RecordingSMTPServer), which keeps every message it accepted.
"""

import atexit
import email
import email.policy
import glob
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str, every: float = 0.2):
    """Call predicate until it returns something true (returned); fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def stop_process(process: subprocess.Popen | None, timeout: float = 30) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- HTTP -------------------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str
    seconds: float

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class WebClient:
    """Just enough of a browser: cookies kept by hand (production's are Secure, which an HTTP client would
    not send back over plain HTTP), no redirects followed, the time of every answer measured."""

    def __init__(self, base_url: str, cookies: dict | None = None):
        parts = urlsplit(base_url)
        self.base_url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None, timeout=30):
        body = urlencode(form, doseq=True) if form is not None else None
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        seconds = time.monotonic() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, text, seconds)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs) -> Answer:
        return self.request("POST", path, form=form, **kwargs)

    def csrf_token(self, page: str) -> str:
        answer = self.get(page)
        assert answer.status == 200, f"GET {page} answered {answer.status}"
        match = _CSRF_FIELD.search(answer.text)
        assert match, f"no form with a CSRF token on {page}"
        return match.group(1)

    def post_form(self, page: str, form: dict, action: str | None = None, **kwargs) -> Answer:
        """Open the page, then post the form on it (to `action`, else to the page), as a browser would."""
        token = self.csrf_token(page)
        headers = {"Referer": self.base_url + page, **kwargs.pop("headers", {})}
        return self.post(action or page, {"csrfmiddlewaretoken": token, **form}, headers=headers, **kwargs)


# --- the web app as production runs it --------------------------------------------------------------------------------

_static_dir: dict = {}


def production_settings_dir() -> str:
    """A directory holding fault_settings.py: the project's settings with STATIC_ROOT in a directory of this
    test run, its static files collected there (once per run). The checkout's staticfiles/ is left alone:
    other people collect into it while tests run."""
    if "dir" not in _static_dir:
        base = tempfile.mkdtemp(prefix="skillbridge-faults-web-")
        atexit.register(shutil.rmtree, base, True)
        Path(base, "fault_settings.py").write_text(
            f"from skillbridge.settings import *  # noqa: F403\n\nSTATIC_ROOT = {str(Path(base, 'static'))!r}\n"
        )
        env = production_env(DATABASE_URL="sqlite:///:memory:", settings_dir=base)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=180,
        )
        _static_dir["dir"] = base
    return _static_dir["dir"]


def production_env(*, settings_dir: str | None = None, **values) -> dict:
    """The environment of a production web process: DEBUG off, this test run's SECRET_KEY (so sessions made
    in the test process are valid there), no HTTPS redirect (the tests speak plain HTTP)."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": "2",
        "DJANGO_SETTINGS_MODULE": "fault_settings",
        "PYTHONPATH": settings_dir or production_settings_dir(),
    }
    env.update({name: str(value) for name, value in values.items()})
    return env


@dataclass
class Web:
    process: subprocess.Popen
    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_web(workdir: Path, **env_values) -> Web:
    """gunicorn -c deploy/gunicorn.conf.py skillbridge.wsgi (two workers) on a free port; waits for /healthz."""
    port = free_port()
    env = production_env(GUNICORN_BIND=f"127.0.0.1:{port}", **env_values)
    log = workdir / "gunicorn.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "skillbridge.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    web = Web(process, f"http://127.0.0.1:{port}", log)

    def answers():
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{web.log_text()[-3000:]}")
        try:
            return WebClient(web.base_url).get("/healthz", timeout=2).status == 200
        except OSError:
            return False

    wait_until(answers, timeout=60, what="gunicorn to answer /healthz")
    return web


def database_url(settings_dict: dict, **options) -> str:
    query = f"?{urlencode(options)}" if options else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{settings_dict['USER']}@{host}:{port}/{settings_dict['NAME']}{query}"


def session_for(user) -> str:
    """A signed-in session for `user` in the database, as logging in makes one (bench/load.py does the same)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from skillbridge.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = int(time.time())
    session.create()
    return session.session_key


# --- PostgreSQL -------------------------------------------------------------------------------------------------------


def postgres_bin() -> Path:
    """The PostgreSQL server binaries (PG_BIN, else the newest /usr/lib/postgresql/<version>/bin)."""
    candidates = [os.environ["PG_BIN"]] if os.environ.get("PG_BIN") else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    pytest.fail("No PostgreSQL server binaries (initdb, pg_ctl): install postgresql or set PG_BIN")


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port, stopped and started by the test (never the shared one).

    As root (CI), initdb and pg_ctl run as the postgres user (PostgreSQL refuses to run as root); as anyone
    else, as that user."""

    def __init__(self):
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="skillbridge-pg-", dir="/tmp"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, user="postgres", group="postgres")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            pytest.fail(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}\n{self.log_text()[-2000:]}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "start", "-w")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "stop", "-m", mode, "-w")

    def url(self, name: str, **options) -> str:
        return database_url({"USER": "postgres", "HOST": "127.0.0.1", "PORT": self.port, "NAME": name}, **options)

    def execute(self, sql: str, *, database: str = "postgres", params=()):
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
            subprocess.run(
                [*prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "stop", "-m", "immediate", "-w"],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.dir, ignore_errors=True)


# --- Redis ------------------------------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the test's own on a free port (no persistence: a restart starts empty)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        redis_server = shutil.which("redis-server") or pytest.fail("redis-server is not on PATH")
        self.process = subprocess.Popen(
            [redis_server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.answers, timeout=20, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
        wait_until(lambda: not self.answers(), timeout=10, what="redis-server to stop")


# --- Celery worker ----------------------------------------------------------------------------------------------------


def start_worker(*, database: str, redis_url: str, email_url: str, name: str = "faults") -> subprocess.Popen:
    """A real Celery worker (one process, solo pool) on `redis_url` and the database at `database`."""
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": redis_url, "EMAIL_URL": email_url}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "skillbridge", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--without-mingle", "--without-gossip", "--hostname", f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


# --- SMTP -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    to: str
    subject: str
    body: str


class RecordingSMTPServer:
    """A real SMTP server on a free local port that keeps every message it accepted (250 to its data)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[Received] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
        body = part.get_content()
        with self.lock:
            for to in envelope.rcpt_tos:
                self.messages.append(Received(to=to, subject=str(message["Subject"]), body=body))
        return "250 Message accepted for delivery"

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
