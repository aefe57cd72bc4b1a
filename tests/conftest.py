"""Suite-wide settings: Qt offscreen, logs and catalogs never in the user's folders."""

from __future__ import annotations

import os
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


def shared_dataset(name: str) -> Path:
    """A dataset from ``../shared/datasets``; skips the test where the folder is absent."""
    path = SHARED_DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it exists only beside the team's checkout)")
    return path
