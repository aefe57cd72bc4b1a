"""The spec compiles and the lean flavour drops what it says, and nothing the app loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
sys.path.insert(0, str(PACKAGING))
import flavours  # noqa: E402


def test_the_spec_is_valid_python() -> None:
    source = (PACKAGING / "modeldesk.spec").read_text(encoding="utf-8")
    compile(source, "modeldesk.spec", "exec")
    assert "MODELDESK_FLAVOUR" in source and "COLLECT(" in source and "BUNDLE(" in source


@pytest.mark.parametrize("dest", [
    "triton/backends/nvidia/bin/ptxas",
    "nvidia/cudnn/lib/libcudnn_cnn.so.9",
    "nvidia/cudnn/lib/libcudnn_engines_precompiled.so.9",
    "nvidia/cu13/lib/libcusolver.so.12",
    "nvidia/cusolver/lib/libcusolverMg.so.11",  # the cu12 wheel layout
    "torch/lib/libtorch_cuda_linalg.so",
    "PySide6/Qt/lib/libQt6Quick.so.6",
    "PySide6/Qt/qml/QtQuick/Controls/qmldir",
    "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
])
def test_lean_drops(dest: str) -> None:
    assert flavours.excluded_file("lean", dest) is not None
    assert flavours.excluded_file("gpu", dest) is None


@pytest.mark.parametrize("dest", [
    "nvidia/cudnn/lib/libcudnn.so.9",  # the stub libtorch_cuda.so links
    "torch/lib/libtorch_cuda.so",
    "torch/lib/libtorch_cpu.so",
    "torch/lib/libtorch_global_deps.so",
    "nvidia/cu13/lib/libcublasLt.so.13",
    "nvidia/cu13/lib/libnvrtc.so.13",
    "nvidia/nvshmem/lib/libnvshmem_host.so.3",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Test.so.6",  # pyqtgraph imports QtTest
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "resources/samples/shapes/circle/000.png",
    "torch/_inductor/triton_helpers.py",
])
def test_lean_keeps_what_the_app_loads(dest: str) -> None:
    assert flavours.excluded_file("lean", dest) is None


def test_lean_excludes_modules_with_reasons() -> None:
    modules = flavours.excluded_modules("lean")
    assert "triton" in modules and "PySide6.QtQml" in modules
    assert "torch" not in modules and "PySide6.QtTest" not in modules
    assert all(rule.reason for rule in flavours.exclusions("lean"))
    assert "triton" not in flavours.excluded_modules("gpu")
    with pytest.raises(ValueError, match="unknown flavour"):
        flavours.exclusions("tiny")


def test_build_dry_run_prints_the_lean_exclusions() -> None:
    result = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--dry-run"],
                            capture_output=True, text=True, timeout=60, check=True)
    assert "MODELDESK_FLAVOUR=lean" in result.stdout and "PyInstaller" in result.stdout
    for pattern in ("triton", "*/libcudnn_*.so*", "*/libcusolver*.so*", "PySide6.QtQml",
                    "why:"):
        assert pattern in result.stdout
