"""What every case of the corpus asserts, written once.

A refused input: exit 2, exactly one ``error:`` line on stderr that names what to fix, no
traceback anywhere, and (where a catalog exists) the catalog byte-for-byte as it was with no
run folder added. A skipped sample: exit 0, and ``--inspect`` lists it with its reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from tests.batch.cli_helpers import CliResult, catalog_state

CliRunner = Callable[..., CliResult]


def error_line(result: CliResult) -> str:
    """The one line of stderr holding ``error:`` (fails unless there is exactly one)."""
    lines = [line for line in result.err.splitlines() if "error:" in line]
    assert len(lines) == 1, f"expected one error line, got:\n{result.err}"
    return lines[0]


def assert_refused(result: CliResult, *fragments: str, usage: bool = False) -> str:
    """Exit 2 with one ``error:`` line containing every fragment; returns the message.

    ``usage`` is argparse's form (usage lines, then ``main.py: error: …``); otherwise stderr
    is the error line and nothing else, and nothing was started.
    """
    assert result.code == 2, f"exit {result.code}\nstdout:\n{result.out}\nstderr:\n{result.err}"
    line = error_line(result)
    if usage:
        assert line.startswith("main.py: error: "), line
    else:
        assert result.err.strip() == line and line.startswith("error: "), result.err
        assert "run(s) from" not in result.out, "a run was started"
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} missing from: {line}"
    assert "Traceback" not in result.out + result.err
    assert "unexpected error" not in result.err
    return line.removeprefix("error: ")


def skipped_lines(result: CliResult) -> dict[str, str]:
    """``--inspect``'s "Skipped:" section as ``{source: reason}``."""
    assert result.code == 0, result.err
    assert "Traceback" not in result.out + result.err and not result.err.strip()
    if "Skipped:\n" not in result.out:
        return {}
    section = result.out.split("Skipped:\n", 1)[1]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("  ") or line.startswith("  ... and"):
            break
        source, reason = line[2:].split(": ", 1)
        rows[source] = reason
    return rows


def assert_skipped(result: CliResult, source: str, *fragments: str) -> str:
    """``--inspect`` exited 0 and lists ``source`` as skipped for a reason holding every
    fragment; returns the reason."""
    rows = skipped_lines(result)
    assert source in rows, f"{source!r} not among the skipped: {rows}\n{result.out}"
    for fragment in fragments:
        assert fragment in rows[source], f"{fragment!r} missing from: {rows[source]}"
    return rows[source]


def classes(result: CliResult) -> dict[str, int]:
    """``--inspect``'s class counts."""
    section = result.out.split("Classes (", 1)[1].split("\n", 1)[1]
    counts = {}
    for line in section.splitlines():
        if not line.startswith("  "):
            break
        name, count = line[2:].rsplit(": ", 1)
        counts[name] = int(count)
    return counts


class CatalogSnapshot:
    """A catalog's rows (``catalog_state``) and the bytes of every file beside it, so a bad
    invocation can be shown to have changed nothing, not even a byte, nor added a run folder.

    SQLite's ``-wal``/``-shm`` side files are left out: reading the catalog (which the
    comparison itself does) may create them without changing the database.
    """

    def __init__(self, catalog: Path) -> None:
        self.catalog = catalog
        self.state = catalog_state(catalog)
        self.files = _files(catalog.parent)

    def assert_unchanged(self) -> None:
        assert _files(self.catalog.parent) == self.files, "files beside the catalog changed"
        assert catalog_state(self.catalog) == self.state


def file_digest(path: Path) -> str | None:
    """sha256 of a file's bytes (``None`` when it does not exist)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _files(folder: Path) -> dict[str, str | None]:
    return {p.relative_to(folder).as_posix(): file_digest(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}
