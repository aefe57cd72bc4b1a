"""The window shows what the command line says about bad inputs, and stays usable.

Each bad dataset (one per loader defect of the corpus in ``tests/bad_inputs``) is opened
through ``AppState.open_dataset`` and each bad experiment file through ``offer_experiments``;
the text the window shows must be the command line's message (without ``error: ``), and a
good dataset must open right after.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import LOAD_TIMEOUT_MS, open_dataset
from factories import write_image_folder
from PySide6.QtWidgets import QMessageBox

from app.cli import main
from app.core.datasets import TableOptions, clear_dataset_cache
from app.gui.experiment_import import offer_experiments
from tests.bad_inputs import builders as bad
from tests.bad_inputs.checks import skipped_lines
from tests.bad_inputs.experiment_cases import CASES, HEAD, write_case
from tests.batch.cli_helpers import CliResult

pytestmark = bad.LINUX_ONLY

SKIPPING = {"dangling-link": bad.dangling_link, "self-loop-link": bad.self_loop_link,
            "class-links-to-dataset": bad.link_to_dataset, "named-pipe": bad.named_pipe,
            "zero-bytes": bad.zero_bytes, "decompression-bomb": bad.bomb}
TABLES: dict[str, tuple[bytes, TableOptions]] = {
    "latin-1.csv": ("text,label\ngood day,a\nthe caf\xe9,b\n".encode("latin-1"), TableOptions()),
    "utf-16.csv": ("text,label\ngood day,a\nbye,b\n".encode("utf-16"), TableOptions()),
    "header-only.csv": (b"text,label\n", TableOptions()),
    "wrong-delimiter.csv": (b"text,label\ngood day,a\nbye,b\nhi,a\n", TableOptions(delimiter=";")),
}


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def run(*args: object) -> CliResult:
        capsys.readouterr()
        clear_dataset_cache()
        code = main([os.fspath(a) if isinstance(a, Path) else str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_image_folder(tmp_path / "good", per_class=4, size=8)


def _message(result: CliResult) -> str:
    assert result.code == 2 and result.err.startswith("error: "), result
    return result.err.strip().removeprefix("error: ")


def _fails_with(qtbot, state, path: Path, options: TableOptions | None = None) -> None:  # noqa: ANN001
    with qtbot.waitSignal(state.dataset_failed, timeout=LOAD_TIMEOUT_MS):
        state.open_dataset(path, options)


def _opens_good_dataset_after(qtbot, window, good: Path) -> None:  # noqa: ANN001
    open_dataset(qtbot, window.state, good)
    page = window.pages["Data"]
    assert page.status.error.isHidden() and window.state.dataset.path == good.resolve()
    assert page.report.summary.text() == "found 12 · kept 12 · skipped 0"


@pytest.mark.parametrize("case", list(SKIPPING))
def test_a_skipped_entry_is_listed_as_the_command_line_lists_it(
        case: str, qtbot, window, tmp_path: Path, good: Path, cli) -> None:  # noqa: ANN001
    root = write_image_folder(tmp_path / "bad", per_class=4, size=8)
    source = SKIPPING[case](root)
    reason = skipped_lines(cli("--inspect", root))[source]

    open_dataset(qtbot, window.state, root)

    skipped = window.pages["Data"].report.section("Skipped")
    rows = {skipped.child(i).text(0): skipped.child(i).text(1)
            for i in range(skipped.childCount())}
    assert rows == {source: reason}
    _opens_good_dataset_after(qtbot, window, good)


def test_undecodable_names_show_escaped(qtbot, window, tmp_path: Path, good: Path,  # noqa: ANN001
                                        cli) -> None:  # noqa: ANN001
    root = write_image_folder(tmp_path / "bad", per_class=4, size=8)
    _, folder = bad.undecodable_names(root)
    assert f"  {folder}: 4" in cli("--inspect", root).out

    open_dataset(qtbot, window.state, root)

    assert folder in window.state.dataset.class_names
    assert window.pages["Data"].report.summary.text() == "found 13 · kept 13 · skipped 0"
    _opens_good_dataset_after(qtbot, window, good)


@pytest.mark.parametrize("name", list(TABLES))
def test_a_refused_table_shows_the_command_line_message(
        name: str, qtbot, window, tmp_path: Path, good: Path, cli) -> None:  # noqa: ANN001
    data, options = TABLES[name]
    path = tmp_path / name
    path.write_bytes(data)
    flags = ("--delimiter", options.delimiter) if options.delimiter else ()
    message = _message(cli("--inspect", path, *flags))

    _fails_with(qtbot, window.state, path, options)

    assert message in window.pages["Data"].status.error_label.text()
    _opens_good_dataset_after(qtbot, window, good)


def test_a_folder_with_one_class_shows_the_command_line_message(
        qtbot, window, tmp_path: Path, good: Path, cli) -> None:  # noqa: ANN001
    root = write_image_folder(tmp_path / "bad", per_class=4, size=8)
    bad.only_one_class(root)
    message = _message(cli("--inspect", root))

    _fails_with(qtbot, window.state, root)

    assert message in window.pages["Data"].status.error_label.text()
    _opens_good_dataset_after(qtbot, window, good)


def test_classes_too_small_to_split_show_the_batch_message(
        qtbot, window, tmp_path: Path, good: Path, cli) -> None:  # noqa: ANN001
    """The table loads (``--inspect`` is fine with it); the split panel refuses it with the
    words batch mode exits 2 with."""
    table = tmp_path / "labels.csv"
    table.write_text("text,label\n" + "".join(f"text {i},l{i:03d}\n" for i in range(200)),
                     encoding="utf-8")
    experiments = tmp_path / "e.toml"
    experiments.write_text('[[experiment]]\nname = "x"\ndataset = "labels.csv"\n'
                           'model = "bag_of_embeddings"\n', encoding="utf-8")
    batch = _message(cli("--batch", experiments, "--catalog", tmp_path / "c" / "c.sqlite"))

    open_dataset(qtbot, window.state, table)

    problem = window.pages["Data"].split.problem
    assert problem.isVisibleTo(window) and problem.text() and problem.text() in batch
    assert "no validation and no test sample" in problem.text()
    _opens_good_dataset_after(qtbot, window, good)


GUI_CASES = ("toml-syntax", "unknown-key", "wrong-type", "duplicate-names", "grid-too-large",
             "model-options-not-a-table", "not-utf-8")


@pytest.mark.parametrize("case", GUI_CASES)
def test_a_bad_experiment_file_shows_the_batch_message(case: str, qtbot, window,  # noqa: ANN001
                                                       tmp_path: Path, cli) -> None:  # noqa: ANN001
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "tiny.csv").write_text("text,label\n" + "".join(
        f"text number {i},{'ab'[i % 2]}\n" for i in range(20)), encoding="utf-8")
    path = write_case(folder, case)
    message = _message(cli("--batch", path, "--catalog", tmp_path / "c" / "c.sqlite"))
    for fragment in CASES[case][1]:
        assert fragment in message

    box = offer_experiments(window, path)

    assert box.icon() == QMessageBox.Icon.Warning and box.text() == message
    box.accept()
    good = folder / "good.toml"
    good.write_text(HEAD, encoding="utf-8")
    offered = offer_experiments(window, good)
    assert offered.icon() == QMessageBox.Icon.Question and "1 run(s)" in offered.text()
    offered.reject()
    assert window.queue.pending == [] and not window.queue.busy


def test_an_experiment_file_with_a_search_is_pointed_to_batch_mode(  # noqa: ANN001
        qtbot, window, tmp_path: Path) -> None:
    (tmp_path / "tiny.csv").write_text("text,label\n" + "".join(
        f"text number {i},{'ab'[i % 2]}\n" for i in range(20)), encoding="utf-8")
    path = tmp_path / "search.toml"
    path.write_text(HEAD + "[experiment.search]\ntrials = 2\n[experiment.search.space]\n"
                    "lr = [0.1, 0.01]\n", encoding="utf-8")

    box = offer_experiments(window, path)

    assert box.icon() == QMessageBox.Icon.Information
    assert "main.py --batch search.toml" in box.text() and "'x'" in box.text()
    box.accept()
    assert window.queue.pending == [] and not window.queue.busy
