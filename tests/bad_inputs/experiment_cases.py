"""Bad experiment files, each with the fragments its one-line message must hold.

Shared by the command-line corpus (``test_bad_experiments.py``) and the window's test
(``tests/gui/test_bad_inputs_window.py``): both read files with ``read_experiments``, so
both must show the same message. Every file points at ``tiny.csv`` beside it (3 × 6 rows).
"""

from __future__ import annotations

from pathlib import Path

HEAD = '[[experiment]]\nname = "x"\ndataset = "tiny.csv"\nmodel = "bag_of_embeddings"\n'
WHERE = "bad.toml, experiment 1 ('x')"


def _values(count: int) -> str:
    return ", ".join(str(round(0.0001 * (i + 1), 6)) for i in range(count))


BIG_GRID = f"[experiment.grid]\nlr = [{_values(100)}]\nseed = [{', '.join(map(str, range(100)))}]\n"

# case → (file body, bytes instead of text?, fragments of the message)
CASES: dict[str, tuple[str | bytes, tuple[str, ...]]] = {
    "toml-syntax": (HEAD + "epochs = = 3\n", ("bad.toml", "TOML syntax error", "line 5")),
    "unknown-key": (HEAD + "epoch = 3\n", (WHERE, "unknown key 'epoch'",
                                           "did you mean 'epochs'?")),
    "wrong-type": (HEAD + 'epochs = "ten"\n', (WHERE, "'epochs' must be", "'ten'")),
    "duplicate-names": (HEAD + HEAD.replace('"x"', '"X"'), (
        "bad.toml: two runs are named 'X'", "experiment 1 ('x') and experiment 2 ('X')")),
    "duplicate-in-grid": (HEAD + "[experiment.grid]\nlr = [0.1, 0.1]\n", (
        "two runs are named 'x [lr=0.1]'", "grid combinations 1 and 2 of experiment 1 ('x')",
        "lists the same value twice")),
    "grid-name-taken": (HEAD.replace('"x"', '"x [lr=0.1]"') + HEAD
                        + "[experiment.grid]\nlr = [0.1]\n", (
        "two runs are named 'x [lr=0.1]'",
        "experiment 1 ('x [lr=0.1]') and experiment 2 ('x'), grid combination 1")),
    "grid-too-large": (HEAD + BIG_GRID, (WHERE, "the grid makes 10,000 runs",
                                         "lr: 100 × seed: 100 values",
                                         "more than max_grid_runs = 1,000",
                                         "max_grid_runs = 10000", "[defaults]")),
    "grid-cap-not-a-number": ("[defaults]\nmax_grid_runs = \"lots\"\n" + HEAD + BIG_GRID,
                              (WHERE, "'max_grid_runs' must be", "'lots'")),
    "grid-key-not-a-list": (HEAD + "[experiment.grid]\nlr = 0.1\n",
                            (WHERE, "grid key 'lr' must be a non-empty list", "got 0.1")),
    "empty-grid-list": (HEAD + "[experiment.grid]\nlr = []\n",
                        (WHERE, "grid key 'lr' must be a non-empty list", "got []")),
    "grid-not-a-table": (HEAD + "grid = [1, 2]\n", (WHERE, "'grid' must be a table")),
    "unknown-grid-key": (HEAD + "[experiment.grid]\nlearning_rate = [0.1, 0.2]\n",
                         (WHERE, "unknown key 'learning_rate'")),
    "model-options-not-a-table": (HEAD + "model_options = 3\n",
                                  (WHERE, "'model_options' must be a table", "got 3")),
    "single-brackets": (HEAD.replace("[[experiment]]", "[experiment]"),
                        ("bad.toml", "write [[experiment]]", "not [experiment]")),
    "experiment-not-a-table": ("experiment = [1, 2]\n",
                               ("bad.toml", "experiment 1 must be a table", "got 1")),
    "no-experiments": ("[defaults]\nepochs = 1\n", ("bad.toml", "no experiments",
                                                    "[[experiment]]")),
    "unknown-top-level-key": ("[default]\nepochs = 1\n" + HEAD,
                              ("bad.toml", "unknown top-level key 'default'")),
    "not-utf-8": ('[[experiment]]\nname = "x"\n# caf\xe9 notes\n'.encode("latin-1"),
                  ("bad.toml", "not UTF-8 text (line 3", "save it as UTF-8")),
}


def write_case(folder: Path, case: str, table: Path | None = None) -> Path:
    """``folder/bad.toml`` holding ``case`` (and ``folder/tiny.csv`` copied from ``table``)."""
    body = CASES[case][0]
    folder.mkdir(parents=True, exist_ok=True)
    if table is not None and table.parent != folder:
        (folder / "tiny.csv").write_bytes(table.read_bytes())
    path = folder / "bad.toml"
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path
