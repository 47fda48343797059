"""A throw-away PostgreSQL cluster for tests (no pytest in here; the fixtures are in conftest.py).

`PgCluster.start()` runs initdb in a fresh directory under /tmp, starts the server on a free
port listening on 127.0.0.1 only (its unix socket in that same directory, trust authentication,
no fsync), and `stop()` stops it and removes the directory. initdb refuses to run as root, so
when we are root every server command runs as the `postgres` OS user (`runuser -u postgres`);
any other user runs them as itself. The database superuser is always `postgres`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

PG_BIN = Path(os.environ.get("SCHEMEOPS_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"
SUPERUSER = "postgres"


class PgUnavailable(Exception):
    """This machine cannot run a temporary cluster; the message says why."""


def check_available() -> None:
    """Raise PgUnavailable with a clear reason when a cluster cannot be started here."""
    missing = [b for b in ("initdb", "pg_ctl", "postgres") if not (PG_BIN / b).is_file()]
    if missing:
        raise PgUnavailable(
            f"PostgreSQL server binaries {missing} not found in {PG_BIN} "
            "(Debian: apt-get install postgresql-15; or set SCHEMEOPS_PG_BIN)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            raise PgUnavailable(
                f"running as root and there is no '{OS_USER}' OS user to run initdb as"
            ) from None
        if shutil.which("runuser") is None:
            raise PgUnavailable("running as root and `runuser` is missing (util-linux)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PgUnavailable(
            "psycopg is not installed (pip install -e '.[postgres]'; `make test` does)"
        ) from None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self) -> None:
        self.dir: Path | None = None
        self.port: int | None = None

    # -- commands, as the postgres user when we are root -----------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", OS_USER, "--", *cmd]
        # cwd: the server user may not be allowed into the caller's directory.
        proc = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, timeout=120)
        if check and proc.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
                f"{self._log_tail()}"
            )
        return proc

    def _log_tail(self) -> str:
        log = self.dir / "server.log" if self.dir else None
        if log and log.exists():
            return "\n--- server.log ---\n" + "\n".join(log.read_text().splitlines()[-20:])
        return ""

    @property
    def data(self) -> Path:
        assert self.dir is not None
        return self.dir / "data"

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> PgCluster:
        check_available()
        # Short path under /tmp: the socket path must stay < 108 bytes, and the postgres user
        # must be able to reach it (pytest's own tmp dirs are private to the caller).
        self.dir = Path(tempfile.mkdtemp(prefix="schemeops-pg-", dir="/tmp"))
        try:
            if os.geteuid() == 0:
                pw = pwd.getpwnam(OS_USER)
                os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self._run(
                PG_BIN / "initdb", "-D", self.data, "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
            for _attempt in range(5):  # another process may grab the port between pick and bind
                self.port = _free_port()
                self._run(
                    PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "server.log",
                    "-w", "-t", "60", "-o", self._server_options(), "start",
                    check=False,
                )  # fmt: skip
                if self._running():
                    return self
                if "could not bind" not in self._log_tail():
                    break
            raise RuntimeError(f"PostgreSQL did not start in {self.dir}{self._log_tail()}")
        except BaseException:
            self.stop()
            raise

    def _server_options(self) -> str:
        # Throw-away data: durability off for speed.
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )

    def _running(self) -> bool:
        return self._run(PG_BIN / "pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def stop(self) -> None:
        if self.dir is None:
            return
        if self.data.exists():
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop",
                      check=False)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    # -- databases --------------------------------------------------------------------------
    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of a database in this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a fresh `t_<uuid>` unless named); return its name."""
        name = name or f"t_{uuid.uuid4().hex}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        # FORCE: a test that leaked a connection must not keep its database alive.
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
