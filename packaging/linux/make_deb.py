"""Build ``modeldesk_<version>_amd64.deb`` from a frozen bundle with ``dpkg-deb``.

Installs the bundle under ``/opt/modeldesk``, a ``modeldesk`` command in ``/usr/bin``, the menu
entry, the icon in the hicolor theme (PNG sizes and SVG) and the experiment-file MIME type.
Removing the package removes exactly those files: the user's catalog, logs and settings live
in their home folder (platformdirs / QSettings) and dpkg never touches them.

``Depends`` lists the Debian packages that own the system libraries the bundle links to
outside itself (found with ``ldd`` and ``dpkg -S`` on the build machine), so ``apt install
./modeldesk_….deb`` pulls in whatever a minimal workstation lacks (X11/xcb, fontconfig, GL).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
BASE_DEPENDS = ("libc6", "libstdc++6", "libgl1", "libegl1", "libfontconfig1", "libxkbcommon0",
                "libdbus-1-3")

LAUNCHER = """#!/bin/sh
# ModelDesk's command: the frozen app installed by the modeldesk package.
exec /opt/modeldesk/modeldesk "$@"
"""
MAINTAINER_SCRIPT = """#!/bin/sh
# Refresh the menu, MIME and icon caches after the package's files came or went.
set -e
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database /usr/share/mime || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
fi
exit 0
"""


def make_deb(bundle: Path, out_dir: Path, flavour: str) -> Path:
    """Stage the package tree next to ``out_dir`` and run ``dpkg-deb --build``."""
    sys.path.insert(0, str(ROOT))
    from app import __version__

    stage = out_dir / f"deb-{flavour}"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / "modeldesk"
    shutil.copytree(bundle, opt, symlinks=True)
    _write(stage / "usr/bin/modeldesk", LAUNCHER, 0o755)
    share = stage / "usr/share"
    _copy(HERE / "modeldesk.desktop", share / "applications/modeldesk.desktop")
    _copy(HERE / "modeldesk-mime.xml", share / "mime/packages/modeldesk.xml")
    icons = ROOT / "resources" / "icons"
    for size in ICON_SIZES:
        _copy(icons / f"modeldesk-{size}.png",
              share / f"icons/hicolor/{size}x{size}/apps/modeldesk.png")
    _copy(icons / "modeldesk.svg", share / "icons/hicolor/scalable/apps/modeldesk.svg")
    debian = stage / "DEBIAN"
    installed_kb = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file()) // 1024
    _write(debian / "control", _control(__version__, flavour, installed_kb, opt), 0o644)
    for script in ("postinst", "postrm"):
        _write(debian / script, MAINTAINER_SCRIPT, 0o755)
    # Both flavours are the package "modeldesk" (one replaces the other); the file name differs.
    package = out_dir / f"modeldesk_{__version__}_amd64-{flavour}.deb"
    # xz -0 is quick on the CUDA libraries (which barely compress) and still shrinks Python.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z0", "--build", str(stage),
                    str(package)], check=True)
    shutil.rmtree(stage)
    return package


def _control(version: str, flavour: str, installed_kb: int, opt: Path) -> str:
    depends = ", ".join(sorted(set(BASE_DEPENDS) | system_packages(opt)))
    return (f"Package: modeldesk\nVersion: {version}\nArchitecture: amd64\n"
            "Maintainer: ModelDesk team <modeldesk@example.org>\nSection: science\n"
            f"Priority: optional\nInstalled-Size: {installed_kb}\nDepends: {depends}\n"
            "Homepage: https://example.org/modeldesk\n"
            f"Description: train neural network classifiers on your own data ({flavour})\n"
            " ModelDesk trains classifiers on folders of images and tables of texts without\n"
            " writing code, and keeps every run in a local SQLite catalog. This is the\n"
            f" {flavour} build of the frozen app (Python, PyTorch and Qt included).\n")


def system_packages(bundle: Path) -> set[str]:
    """Debian packages owning libraries the bundle's ELF files load from outside the bundle."""
    if not shutil.which("dpkg"):
        return set()
    libs: set[str] = set()
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(sorted(
        {str(p.parent) for p in bundle.rglob("*.so*") if p.is_file()}))}
    for elf in bundle.rglob("*"):
        if not (elf.is_file() and (".so" in elf.name or os.access(elf, os.X_OK))):
            continue
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env)
        for match in re.finditer(r"=> (/\S+)", result.stdout):
            if not match.group(1).startswith(str(bundle)):
                libs.add(match.group(1))
    packages: set[str] = set()
    for lib in sorted(libs):
        for candidate in {lib, os.path.realpath(lib), lib.removeprefix("/usr"),
                          "/usr" + lib if not lib.startswith("/usr") else lib}:
            found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if found.returncode == 0:
                packages.add(found.stdout.split(":")[0].strip())
                break
    return packages


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    target.chmod(0o644)


def _write(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
