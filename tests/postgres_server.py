"""A throwaway PostgreSQL server for tests: Debian's ``postgresql`` package, started on a
loopback port with its data in a temporary folder, stopped (and the folder removed) after.

The server refuses to run as root, so under root (CI containers) its programs run as the
``postgres`` user the package creates. Without the package the tests that need it skip with
the reason; ``.ci/run`` installs it where it can.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_programs() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or ``None`` when PostgreSQL is absent."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of a fresh database (``postgresql://modeldesk@127.0.0.1:PORT/studies``)."""
    programs = server_programs()
    assert programs is not None, "call server_programs() first and skip without it"
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="modeldesk-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    try:
        run(str(programs / "initdb"), "-D", str(data), "-U", "modeldesk", "-A", "trust",
            "--no-sync", "-E", "UTF8")
        run(str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
            "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        try:
            run(str(programs / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U",
                "modeldesk", "studies")
            yield f"postgresql://modeldesk@127.0.0.1:{port}/studies"
        finally:
            run(str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
