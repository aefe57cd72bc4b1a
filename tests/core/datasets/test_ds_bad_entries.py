"""Entries that are not regular files, undecodable names and system clutter, at the level of
the loader (the command-line corpus in ``tests/bad_inputs`` covers what users see)."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest

from app.core.datasets import load_dataset
from app.core.datasets._names import is_hidden, printable
from app.core.datasets._scan import read_regular
from tests.bad_inputs import builders as bad

pytestmark = bad.LINUX_ONLY


def _skipped(root: Path) -> dict[str, str]:
    return {s.source: s.reason for s in load_dataset(root).report.skipped}


@pytest.mark.parametrize(("raw", "shown"), [
    ("plain name.png", "plain name.png"),
    (os.fsdecode(b"caf\xe9.png"), "caf\\xe9.png"),
    ("two\nlines\tand\x7f", "two\\nlines\\tand\\x7f"),
    ("zero\u200bwidth", "zero\\u200bwidth"),
    ("ünïcödé ok", "ünïcödé ok"),
])
def test_printable_escapes_only_what_cannot_be_shown(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    printable(raw).encode("utf-8")  # never raises


@pytest.mark.parametrize("name", [".DS_Store", "Thumbs.db", "THUMBS.DB", "desktop.ini",
                                  "__MACOSX", ".git"])
def test_system_clutter_is_hidden(name: str) -> None:
    assert is_hidden(name)


def test_a_link_to_a_device_is_not_read(make_images) -> None:
    root = make_images({"a": 3, "b": 3})
    (root / "a" / "null.png").symlink_to("/dev/null")

    assert _skipped(root) == {
        "a/null.png": "not a regular file (character device); skipped without reading it"}


def test_a_socket_is_not_read(make_images, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_images({"a": 3, "b": 3})
    monkeypatch.chdir(root / "a")  # a relative name keeps the socket path short enough
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("listening.png")
        assert _skipped(root) == {
            "a/listening.png": "not a regular file (socket); skipped without reading it"}


def test_read_regular_refuses_a_named_pipe_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    outcome: list[BaseException | bytes] = []

    def read() -> None:
        try:
            outcome.append(read_regular(pipe))
        except OSError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome and isinstance(outcome[0], OSError), "reading a named pipe blocked"


def test_a_link_that_comes_back_to_life_invalidates_the_cache(make_images) -> None:
    root = make_images({"a": 3, "b": 3})
    (root / "a" / "later.png").symlink_to(root / "target.png")
    first = load_dataset(root)
    assert len(first) == 6 and "a/later.png" in _skipped(root)

    (root / "target.png").write_bytes(bad.png_bytes((1, 2, 3)))

    second = load_dataset(root)
    assert second is not first and len(second) == 7


def test_undecodable_names_give_a_storable_report(make_images) -> None:
    root = make_images({"red": 3, "green": 3})
    file, folder = bad.undecodable_names(root)
    dataset = load_dataset(root)

    assert folder in dataset.class_names and file in dataset.sample_ids
    text = json.dumps(dataset.report.to_dict(), ensure_ascii=False)
    text.encode("utf-8")  # what SQLite and a UTF-8 terminal need
    dataset.report.format_text().encode("utf-8")
    assert all(path.is_file() for path in dataset.files or ())  # the real bytes still open


def test_a_root_that_is_a_link_to_a_folder_loads(make_images, tmp_path: Path) -> None:
    root = make_images({"a": 3, "b": 3})
    link = tmp_path / "shortcut"
    link.symlink_to(root, target_is_directory=True)

    assert load_dataset(link).fingerprint == load_dataset(root).fingerprint


def test_sample_order_is_files_first_then_sub_folders(make_images) -> None:
    """``os.walk``'s order, which the loader had before it stopped trusting entries: the same
    order keeps every seeded split of an existing dataset where it was."""
    root = make_images({"a": 2, "b": 2})
    (root / "a" / "alpha").mkdir()
    (root / "a" / "alpha" / "x.png").write_bytes(bad.png_bytes((9, 9, 9)))
    (root / "a" / "zeta.png").write_bytes(bad.png_bytes((8, 8, 8)))

    ids = load_dataset(root).sample_ids

    assert ids[:4] == ("a/000.png", "a/001.png", "a/zeta.png", "a/alpha/x.png")


def test_a_link_to_a_folder_inside_a_class_is_listed_not_followed(make_images,
                                                                   tmp_path: Path) -> None:
    elsewhere = make_images({"x": 2}, name="elsewhere")
    root = make_images({"a": 2, "b": 2})
    (root / "a" / "more").symlink_to(elsewhere / "x", target_is_directory=True)

    assert _skipped(root) == {
        "a/more/": "symbolic link to a folder; links inside class folders are not followed"}
    assert len(load_dataset(root)) == 4
