"""Tests for fixfirst.devtools.pgserver (run with -p no:django; they need no settings)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from fixfirst.devtools.pgserver import TempPostgres

SRC = Path(__file__).resolve().parents[2] / "src"


def _cli(*cmd: str) -> list[str]:
    return [sys.executable, "-m", "fixfirst.devtools.pgserver", "--", *cmd]


def _env(**extra: str) -> dict[str, str]:
    pythonpath = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": pythonpath, **extra}


def test_temp_postgres_roundtrip() -> None:
    with TempPostgres() as pg:
        assert pg.url == f"postgres://fixfirst@127.0.0.1:{pg.port}/fixfirst"
        tmpdir = pg.tmpdir
        assert tmpdir is not None and tmpdir.is_dir()
        with psycopg.connect(pg.url) as conn:
            conn.execute("CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL)")
            conn.execute("INSERT INTO item (name) VALUES (%s)", ["wrench ✓"])
            assert conn.execute("SELECT id, name FROM item").fetchall() == [(1, "wrench ✓")]
            assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
        url = pg.url
    assert not tmpdir.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_cli_passes_database_url_and_exit_code() -> None:
    check = (
        "import os,sys; sys.exit(3 if os.environ['DATABASE_URL'].startswith('postgres://') else 1)"
    )
    proc = subprocess.run(_cli(sys.executable, "-c", check), env=_env(), timeout=60, check=False)
    assert proc.returncode == 3


def test_cli_forwards_sigterm_and_cleans_up() -> None:
    base = Path(tempfile.mkdtemp(prefix="pgserver-test-"))
    base.chmod(0o755)  # as root the server runs as 'postgres', which must reach TMPDIR
    try:
        child = "import time; print('ready', flush=True); time.sleep(60)"
        with subprocess.Popen(
            _cli(sys.executable, "-c", child),
            env=_env(TMPDIR=str(base)),
            stdout=subprocess.PIPE,
            text=True,
        ) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n"
            assert len(list(base.iterdir())) == 1  # the server's temp dir
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 128 + signal.SIGTERM  # child died of SIGTERM
        assert list(base.iterdir()) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)
