"""Grids, ``[defaults]`` and the palette's training defaults, as recorded in the catalog."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import CliRunner, write_toml
from factories import write_text_table
from safetensors.torch import load_file

from app.core.catalog import Catalog
from app.core.experiments import read_experiments
from app.core.palette import get_spec


def _runs_by_name(catalog_path: Path) -> dict:
    return {run.name: run for run in Catalog(catalog_path).list_runs(limit=None)}


def test_grid_expands_to_one_named_run_per_combination(cli: CliRunner, tmp_path: Path) -> None:
    write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "grid.toml", """
[[experiment]]
name = "sweep"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1

[experiment.grid]
lr = [0.01, 0.003]
batch_size = [8, 16]

[[experiment]]
name = "width"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1
batch_size = 8

[experiment.model_options]
dropout = 0.0

[experiment.grid]
"model_options.embed_dim" = [8, 24]
""")
    catalog = tmp_path / "catalog.sqlite"

    result = cli("--batch", experiments, "--catalog", catalog)

    assert result.code == 0, result.err
    assert "6 run(s) from" in result.out
    runs = _runs_by_name(catalog)
    expected = {
        "sweep [lr=0.01, batch_size=8]": (0.01, 8),
        "sweep [lr=0.01, batch_size=16]": (0.01, 16),
        "sweep [lr=0.003, batch_size=8]": (0.003, 8),
        "sweep [lr=0.003, batch_size=16]": (0.003, 16),
    }
    assert set(runs) == set(expected) | {"width [model_options.embed_dim=8]",
                                         "width [model_options.embed_dim=24]"}
    for name, (lr, batch_size) in expected.items():
        config = runs[name].config
        assert (config["lr"], config["batch_size"]) == (lr, batch_size)
        assert runs[name].status == "completed"
    for dim in (8, 24):
        run = runs[f"width [model_options.embed_dim={dim}]"]
        assert dict(run.config["model_options"]) == {"dropout": 0.0, "embed_dim": dim}
        assert run.status == "completed"
        weights = load_file(str(run.run_dir / "model.safetensors"))
        assert weights["embedding.weight"].shape[1] == dim  # the grid value reached the model


def test_defaults_apply_and_an_experiment_overrides_them(cli: CliRunner, tmp_path: Path) -> None:
    write_text_table(tmp_path / "data" / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "defaults.toml", """
[defaults]
dataset = "data/table.csv"
model = "bag_of_embeddings"
epochs = 2
batch_size = 8
seed = 7
val_fraction = 0.2

[[experiment]]
name = "inherits"

[[experiment]]
name = "overrides"
epochs = 1
seed = 3
""")
    catalog = tmp_path / "catalog.sqlite"

    result = cli("--batch", experiments, "--catalog", catalog)

    assert result.code == 0, result.err
    runs = _runs_by_name(catalog)
    inherits, overrides = runs["inherits"], runs["overrides"]
    assert (inherits.config["epochs"], inherits.epochs_done, inherits.seed) == (2, 2, 7)
    assert (overrides.config["epochs"], overrides.epochs_done, overrides.seed) == (1, 1, 3)
    for run in (inherits, overrides):
        assert run.config["batch_size"] == 8 and run.config["val_fraction"] == 0.2
        assert run.dataset_path == str((tmp_path / "data" / "table.csv").resolve())
    history = Catalog(catalog).history([inherits.id], ["val_accuracy"])[inherits.id]
    assert [p.step for p in history["val_accuracy"]] == [1, 2]


def test_palette_training_defaults_apply_when_nothing_sets_them(cli: CliRunner,
                                                                tmp_path: Path) -> None:
    write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "palette.toml", """
[[experiment]]
name = "palette-defaults"
dataset = "table.csv"
model = "bag_of_embeddings"
epochs = 1
""")
    catalog = tmp_path / "catalog.sqlite"
    defaults = get_spec("bag_of_embeddings").training_defaults

    result = cli("--batch", experiments, "--catalog", catalog)

    assert result.code == 0, result.err
    config = Catalog(catalog).get_run_record(1).config
    assert config["lr"] == defaults["lr"]
    assert config["batch_size"] == defaults["batch_size"]
    assert config["optimizer"] == defaults["optimizer"]
    assert config["epochs"] == 1  # the experiment's own value wins


def test_palette_epochs_default_and_defaults_table_precedence(tmp_path: Path) -> None:
    """Without training: explicit > ``[defaults]`` > palette > ``RunConfig`` defaults."""
    write_text_table(tmp_path / "table.csv", rows_per_class=5)
    experiments = write_toml(tmp_path / "p.toml", """
[defaults]
optimizer = "sgd"

[[experiment]]
dataset = "table.csv"
model = "bag_of_embeddings"

[[experiment]]
dataset = "table.csv"
model = "mlp"
lr = 0.02
""")
    first, second = (e.config for e in read_experiments(experiments))
    bag, mlp = get_spec("bag_of_embeddings").training_defaults, get_spec("mlp").training_defaults

    one, two = first.training, second.training
    assert (one.epochs, one.lr, one.batch_size) == (bag["epochs"], bag["lr"], bag["batch_size"])
    assert (two.epochs, two.lr) == (mlp["epochs"], 0.02)
    assert one.optimizer == two.optimizer == "sgd"
    assert one.momentum == 0.9 and one.scheduler == "none"  # the schema's own defaults
