"""The smoke test uses the classifier and installs its own prerequisites; the .deb's control
file carries the relations it is given. Static checks: the smoke test itself needs root."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
SMOKE = PACKAGING / "smoke_test.sh"
sys.path.insert(0, str(PACKAGING / "linux"))
import make_deb  # noqa: E402


def _script() -> str:
    return SMOKE.read_text(encoding="utf-8")


@pytest.mark.skipif(not shutil.which("bash"), reason="no bash")
def test_the_smoke_test_parses() -> None:
    subprocess.run(["bash", "-n", str(SMOKE)], check=True)


def test_the_library_step_is_the_classifier() -> None:
    script = _script()
    assert '"$PYTHON" packaging/linux/elf_needs.py "$BUNDLE"' in script
    assert "grep -v" not in script and "lib(gtk|gdk)" not in script  # no ad-hoc exceptions


def test_prerequisites_are_installed_when_missing_and_never_wayland() -> None:
    script = _script()
    listed = re.search(r"PREREQUISITES=\(([^)]*)\)", script).group(1).split()
    assert {"binutils", "libxcb-cursor0", "xvfb", "x11-utils", "desktop-file-utils",
            "xdg-utils"} <= set(listed)
    assert not [p for p in listed if "wayland" in p or "gtk" in p]
    assert "dpkg-query -W" in script and "--no-install-recommends" in script


def test_the_app_starts_on_xcb_and_offscreen_without_wayland() -> None:
    script = _script()
    assert "QT_QPA_PLATFORM=xcb" in script and "xvfb-run" in script
    assert "ldconfig -p" in script and "mount --bind /dev/null" in script
    assert re.search(r"no_wayland \"\$BUNDLE/modeldesk\" --self-test", script)


def test_control_file_lists_nonempty_relations(monkeypatch) -> None:  # noqa: ANN001
    relations = {"Depends": ["libc6", "libgl1"], "Recommends": ["libwayland-cursor0"],
                 "Suggests": []}
    monkeypatch.setattr(make_deb, "package_relations", lambda opt: relations)
    control = make_deb._control("1.2.3", "lean", 42, Path("/nowhere"))
    assert "\nDepends: libc6, libgl1\nRecommends: libwayland-cursor0\nHomepage:" in control
    assert "Suggests" not in control and control.endswith("\n")
