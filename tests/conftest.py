"""Suite-wide settings: Qt offscreen, logs and catalogs never in the user's folders, the
memory budget never the developer's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"
SAMPLES = REPO / "resources" / "samples"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may write a catalog or log into the real user's data folders."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("MODELDESK_CATALOG", str(home / "catalog.sqlite"))
    monkeypatch.setenv("MODELDESK_LOG_DIR", str(home / "logs"))
    monkeypatch.delenv("MODELDESK_MEMORY_BUDGET_MB", raising=False)


@pytest.fixture
def fresh_image_cache() -> Iterator[None]:
    """No decoded tensor of an earlier test: this one decodes (or maps) for itself."""
    from app.core.datasets import clear_image_cache

    clear_image_cache()
    yield
    clear_image_cache()


def shared_dataset(name: str) -> Path:
    """A dataset from ``../shared/datasets``; skips the test where the folder is absent."""
    path = SHARED_DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it exists only beside the team's checkout)")
    return path


@pytest.fixture(scope="session")
def torch_free(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - TorchFreePython
    """A virtual environment with only a bundle's requirements (onnxruntime, numpy, pillow;
    no torch, no ModelDesk), built once per session for the bundle tests and the CLI's
    (about 10 s with a warm pip cache; skips where pip cannot install them)."""
    from tests.core.export.standalone.standalone_helpers import make_torch_free_venv

    return make_torch_free_venv(tmp_path_factory.mktemp("torch_free") / "venv")
