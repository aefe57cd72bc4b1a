"""The model registry: versions numbered per name, aliases promoted and rolled back, a history
of who/when/why, and "the production version of NAME" resolved to its run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.catalog import Catalog
from app.core.catalog._registry_records import MODEL_ARTIFACT_KIND
from app.core.errors import CatalogError
from app.core.models import USABLE_MODEL

RunFactory = Callable[..., int]


@pytest.fixture
def trained(catalog: Catalog, make_run: RunFactory, tmp_path: Path) -> Callable[..., int]:
    """A completed run with recorded weights and a test accuracy."""

    def make(accuracy: float = 0.9, status: str = "completed", weights: bool = True) -> int:
        run = make_run(name=f"run acc {accuracy}")
        catalog.finish_run(run, status=status, test_metrics={"accuracy": accuracy})
        if weights:
            file = catalog.runs_root / str(run) / "model.safetensors"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(b"weights")
            catalog.add_artifact(run, "weights", file, "safetensors")
        return run

    return make


def test_the_registry_names_the_artifact_a_usable_model_has() -> None:
    assert MODEL_ARTIFACT_KIND == USABLE_MODEL


def test_versions_are_numbered_per_name_and_carry_their_run(
        catalog: Catalog, trained: Callable[..., int]) -> None:
    first, second, other = trained(0.8), trained(0.9), trained(0.7)

    v1 = catalog.register_model_version("churn", first, note="baseline", user="ana")
    v2 = catalog.register_model_version("churn", second, user="ben")
    o1 = catalog.register_model_version("spam.filter", other)

    assert (v1.label, v1.run_id, v1.note, v1.created_by) == ("churn v1", first, "baseline", "ana")
    assert (v2.version, v2.test_accuracy, v2.run_status) == (2, 0.9, "completed")
    assert o1.version == 1 and o1.created_by  # the OS user by default
    assert [v.version for v in catalog.model_versions("churn")] == [1, 2]
    models = {m.name: m for m in catalog.list_registered_models()}
    assert (models["churn"].versions, models["churn"].latest_version) == (2, 2)
    assert catalog.model_versions_of_run(second) == [v2]
    with pytest.raises(AttributeError):
        v1.note = "changed"  # type: ignore[misc]  # records are frozen


def test_promote_then_roll_back_twice_walks_the_alias_back(
        catalog: Catalog, trained: Callable[..., int]) -> None:
    runs = [trained(a) for a in (0.7, 0.8, 0.9)]
    for run in runs:
        catalog.register_model_version("churn", run)
    for version in (1, 2, 3):
        catalog.set_alias("churn", "production", version, note=f"try v{version}", user="ana")
    catalog.set_alias("churn", "staging", 3, user="ana")

    assert catalog.resolve_model("churn", alias="production").run_id == runs[2]
    back = catalog.rollback("churn", "production", note="v3 drifts", user="ben")
    assert back.version == 2 and back.aliases == ("production",)
    assert catalog.rollback("churn", note="v2 too", user="ben").version == 1
    assert catalog.resolve_model("churn", alias="production").run_id == runs[0]
    assert catalog.resolve_model("churn", alias="staging").version == 3  # untouched

    with pytest.raises(CatalogError, match="nothing to roll back to.*pointed at no version"):
        catalog.rollback("churn", "production")
    history = catalog.registry_history("churn")
    assert [(e.action, e.alias, e.previous_version, e.version) for e in history[-3:]] == [
        ("promote", "staging", None, 3), ("rollback", "production", 3, 2),
        ("rollback", "production", 2, 1)]
    assert [(e.user, e.note) for e in history[-2:]] == [("ben", "v3 drifts"), ("ben", "v2 too")]
    assert history[-1].describe() == "rolled back production: v2 → v1"
    assert [e.at for e in history] == sorted(e.at for e in history)


def test_history_records_every_change_with_who_and_why(
        catalog: Catalog, trained: Callable[..., int]) -> None:
    run = trained()
    catalog.register_model_version("churn", run, note="first cut", user="ana")
    catalog.set_alias("churn", "production", 1, note="passed review", user="ben")
    catalog.remove_alias("churn", "production", note="pulled", user="cy")

    history = catalog.registry_history("churn")

    assert [(e.action, e.version, e.alias, e.previous_version, e.note, e.user)
            for e in history] == [
        ("register", 1, None, None, "first cut", "ana"),
        ("promote", 1, "production", None, "passed review", "ben"),
        ("remove_alias", None, "production", 1, "pulled", "cy")]
    assert catalog.rollback("churn", "production").version == 1  # back to before the removal
    with pytest.raises(CatalogError, match="no alias 'staging' .aliases: production → v1"):
        catalog.resolve_model("churn", alias="staging")
    assert catalog.resolve_model("churn", version=1).aliases == ("production",)


def test_a_derived_model_of_the_run_can_be_the_version(
        catalog: Catalog, trained: Callable[..., int], tmp_path: Path) -> None:
    run = trained()
    file = tmp_path / "model.onnx"
    file.write_bytes(b"onnx")
    export = catalog.add_export(run, kind="onnx", format="onnx", path=file, status="passed")

    version = catalog.register_model_version("churn", run, export_id=export.id)

    assert (version.export_id, version.export_uid) == (export.id, export.uid)
    assert (version.export_kind, version.export_status) == ("onnx", "passed")


def test_a_trashed_run_keeps_its_version_which_says_so(
        catalog: Catalog, trained: Callable[..., int]) -> None:
    run = trained()
    catalog.register_model_version("churn", run)
    catalog.set_alias("churn", "production", 1)

    catalog.trash_runs([run])

    version = catalog.resolve_model("churn", alias="production")
    assert version.run_trashed and version.run_state == "completed, in the trash"
    with pytest.raises(CatalogError, match="in the trash; restore it"):
        catalog.register_model_version("churn", run)
    catalog.restore_runs([run])
    assert not catalog.resolve_model("churn", version=1).run_trashed


def test_deleting_or_purging_a_registered_run_is_refused_until_its_version_is_archived(
        catalog: Catalog, trained: Callable[..., int]) -> None:
    kept, loose = trained(0.9), trained(0.5)
    catalog.register_model_version("churn", kept)
    catalog.set_alias("churn", "production", 1)
    catalog.trash_runs([kept, loose])

    with pytest.raises(CatalogError, match=r"delete run \d+: run \d+ is churn v1; archive"):
        catalog.delete_run(kept)
    with pytest.raises(CatalogError, match="empty the trash: run .* is churn v1"):
        catalog.empty_trash()
    assert len(catalog.list_runs(trashed=True)) == 2  # nothing deleted, not even the loose run
    with pytest.raises(CatalogError, match="is production; point that alias"):
        catalog.archive_model_version("churn", 1)

    catalog.remove_alias("churn", "production", note="retiring")
    archived = catalog.archive_model_version("churn", 1, note="superseded", user="ana")
    assert archived.archived_at is not None
    assert catalog.empty_trash().runs_removed == 2

    gone = catalog.model_versions("churn")[0]
    assert gone.run_id is None and gone.run_uid and gone.run_state.startswith("deleted")
    assert catalog.registry_history("churn")[-1].describe() == "archived v1"
    with pytest.raises(CatalogError, match="archived"):
        catalog.resolve_model("churn", version=1)
    with pytest.raises(CatalogError, match="nothing to roll back to|archived"):
        catalog.rollback("churn", "production")  # v1 is archived: no rolling back onto it


def test_numbers_are_never_reused(catalog: Catalog, trained: Callable[..., int]) -> None:
    run = trained()
    catalog.register_model_version("churn", run)
    catalog.archive_model_version("churn", 1)
    assert catalog.register_model_version("churn", run).version == 2
