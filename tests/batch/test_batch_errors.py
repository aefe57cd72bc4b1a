"""Invalid experiment files and datasets: exit code 2, one clear line, the catalog untouched."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import CliRunner, catalog_state, run_main, write_toml
from factories import write_image_folder, write_text_table

from app.core.catalog import Catalog


def _missing(tmp: Path) -> str:
    return 'dataset = "no-such-folder"\nmodel = "mlp"'


def _empty(tmp: Path) -> str:
    (tmp / "empty").mkdir()
    return 'dataset = "empty"\nmodel = "mlp"'


def _one_class(tmp: Path) -> str:
    write_image_folder(tmp / "one", classes=("red",), per_class=4)
    return 'dataset = "one"\nmodel = "mlp"'


def _all_corrupt(tmp: Path) -> str:
    for name in ("cats", "dogs"):
        for number in range(3):
            path = tmp / "corrupt" / name / f"{number}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(300))
    return 'dataset = "corrupt"\nmodel = "mlp"'


def _no_text_column(tmp: Path) -> str:
    write_text_table(tmp / "table.csv", rows_per_class=5)
    return 'dataset = "table.csv"\nmodel = "bag_of_embeddings"\ntext_column = "body"'


def _latin1(tmp: Path) -> str:
    (tmp / "latin.csv").write_bytes(
        "text,label\ngood morning,a\nsee you soon,b\nthe caf\xe9 is open,a\n".encode("latin-1"))
    return 'dataset = "latin.csv"\nmodel = "bag_of_embeddings"'


def _unknown_model(tmp: Path) -> str:
    write_image_folder(tmp / "img", per_class=3)
    return 'dataset = "img"\nmodel = "resnet99"'


def _negative_lr(tmp: Path) -> str:
    write_image_folder(tmp / "img", per_class=3)
    return 'dataset = "img"\nmodel = "mlp"\nlr = -0.01'


def _toml_syntax(tmp: Path) -> str:
    write_image_folder(tmp / "img", per_class=3)
    return 'dataset = "img"\nmodel = "mlp"\nepochs = = 3'  # line 5 of the file


def _unknown_key(tmp: Path) -> str:
    write_image_folder(tmp / "img", per_class=3)
    return 'dataset = "img"\nmodel = "mlp"\nepoch = 3'


def _kind_mismatch(tmp: Path) -> str:
    write_text_table(tmp / "table.csv", rows_per_class=5)
    return 'dataset = "table.csv"\nmodel = "lenet5"'


# (builder of the experiment body, fragments the one-line message must contain)
CASES: dict[str, tuple[Callable[[Path], str], tuple[str, ...]]] = {
    "missing-folder": (_missing, ("no-such-folder", "does not exist", "sub-folder per class")),
    "empty-folder": (_empty, ("empty", "is empty", "sub-folder per class")),
    "one-class": (_one_class, ("at least 2 classes", "'red'", "/one")),
    "all-corrupt": (_all_corrupt, ("corrupt", "all 6 samples were skipped", "cannot decode")),
    "no-text-column": (_no_text_column, ("table.csv", "'body' not found", "'text'", "'label'")),
    "latin-1": (_latin1, ("latin.csv", "line 4", "UTF-8")),
    "unknown-model": (_unknown_model, ("bad.toml", "'resnet99'", "mlp", "lenet5",
                                       "bag_of_embeddings", "transformer")),
    "negative-lr": (_negative_lr, ("bad.toml", "'lr'", "greater than 0", "-0.01")),
    "toml-syntax": (_toml_syntax, ("bad.toml", "TOML syntax error", "line 5")),
    "unknown-key": (_unknown_key, ("bad.toml", "unknown key 'epoch'", "epochs")),
    "kind-mismatch": (_kind_mismatch, ("bad.toml", "'lenet5'", "image data", "text data",
                                       "bag_of_embeddings")),
}


def _bad_file(tmp: Path, build: Callable[[Path], str]) -> Path:
    body = build(tmp)
    return write_toml(tmp / "bad.toml", f'[[experiment]]\nname = "bad"\n{body}\n')


def _assert_one_clear_line(err: str, out: str, fragments: tuple[str, ...]) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} missing from: {lines[0]}"
    assert "Traceback" not in err + out


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_with_one_line_and_leaves_catalog_alone(
        case: str, cli: CliRunner, tmp_path: Path, existing_catalog: Path) -> None:
    build, fragments = CASES[case]
    bad = _bad_file(tmp_path, build)
    before = catalog_state(existing_catalog)

    result = cli("--batch", bad, "--catalog", existing_catalog)

    assert result.code == 2
    _assert_one_clear_line(result.err, result.out, fragments)
    assert "run(s) from" not in result.out  # nothing was started
    assert catalog_state(existing_catalog) == before


@pytest.mark.parametrize("case", ["latin-1", "unknown-key"])
def test_bad_input_in_a_real_process(case: str, tmp_path: Path,
                                     existing_catalog: Path) -> None:
    """The same through ``python main.py``: the exit status and streams a shell sees."""
    build, fragments = CASES[case]
    bad = _bad_file(tmp_path, build)
    before = catalog_state(existing_catalog)

    result = run_main("--batch", bad, "--catalog", existing_catalog)

    assert result.code == 2
    _assert_one_clear_line(result.err, result.out, fragments)
    assert catalog_state(existing_catalog) == before


def test_bad_experiment_after_a_good_one_trains_nothing(cli: CliRunner, tmp_path: Path) -> None:
    """Every experiment is planned before any trains: a typo in the last one costs seconds."""
    write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "two.toml", """
[[experiment]]
name = "fine"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1

[[experiment]]
name = "typo"
dataset = "table.csv"
model = "bag_of_embedings"
""")
    catalog = tmp_path / "fresh" / "catalog.sqlite"

    result = cli("--batch", experiments, "--catalog", catalog)

    assert result.code == 2
    _assert_one_clear_line(result.err, result.out, ("experiment 2", "'bag_of_embedings'"))
    assert not catalog.exists()  # not even created


def test_missing_experiment_file(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("--batch", tmp_path / "nope.toml", "--catalog", tmp_path / "c.sqlite")

    assert result.code == 2
    _assert_one_clear_line(result.err, result.out, ("nope.toml", "does not exist"))


def test_some_corrupt_images_are_skipped_and_training_goes_on(cli: CliRunner,
                                                              tmp_path: Path) -> None:
    root = write_image_folder(tmp_path / "img", per_class=6)
    corrupt = [root / "red" / "broken.png", root / "blue" / "junk.png"]
    for path in corrupt:
        path.write_bytes(os.urandom(256))
    experiments = write_toml(tmp_path / "e.toml", """
[[experiment]]
name = "partly-corrupt"
dataset = "img"
model = "mlp"
epochs = 1
batch_size = 8
""")
    catalog = tmp_path / "catalog.sqlite"

    trained = cli("--batch", experiments, "--catalog", catalog)
    inspected = cli("--inspect", root)

    assert trained.code == 0, trained.err
    run = Catalog(catalog).get_run_record(1)
    assert run.status == "completed"
    assert Catalog(catalog).get_dataset(run.dataset_id).num_samples == 18
    assert inspected.code == 0
    assert "Samples: 20 found, 18 kept, 2 skipped" in inspected.out
    skipped = inspected.out.split("Skipped:", 1)[1]
    for name in ("red/broken.png", "blue/junk.png"):
        line = next(line for line in skipped.splitlines() if name in line)
        assert "cannot decode image" in line
