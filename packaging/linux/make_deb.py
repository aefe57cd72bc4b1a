"""Build ``modeldesk_<version>_amd64.deb`` from a frozen bundle with ``dpkg-deb``.

Installs the bundle under ``/opt/modeldesk``, a ``modeldesk`` command in ``/usr/bin``, the menu
entry, the icon in the hicolor theme (PNG sizes and SVG) and the experiment-file MIME type.
Removing the package removes exactly those files: the user's catalog, logs and settings live
in their home folder (platformdirs / QSettings) and dpkg never touches them.

``Depends`` lists the Debian packages that own the system libraries the *required* ELF files
link to outside the bundle (``ldd`` and ``dpkg -S`` on the build machine, see ``elf_needs.py``)
plus the data those libraries read, so ``apt install ./modeldesk_….deb`` pulls in what a
minimal workstation lacks (GL, fonts). Optional plugins' libraries go to ``Recommends``
(Wayland) or ``Suggests`` (GTK theme, ...) as ``elf_groups.py`` says: a workstation without
Wayland installs and starts the app without them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

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
    relations = "".join(f"{name}: {', '.join(packages)}\n"
                        for name, packages in package_relations(opt).items() if packages)
    return (f"Package: modeldesk\nVersion: {version}\nArchitecture: amd64\n"
            "Maintainer: ModelDesk team <modeldesk@example.org>\nSection: science\n"
            f"Priority: optional\nInstalled-Size: {installed_kb}\n{relations}"
            "Homepage: https://example.org/modeldesk\n"
            f"Description: train neural network classifiers on your own data ({flavour})\n"
            " ModelDesk trains classifiers on folders of images and tables of texts without\n"
            " writing code, and keeps every run in a local SQLite catalog. This is the\n"
            f" {flavour} build of the frozen app (Python, PyTorch and Qt included).\n")


def package_relations(bundle: Path) -> dict[str, list[str]]:
    """``Depends``/``Recommends``/``Suggests`` for ``bundle``; prints them and any warning."""
    sys.path.insert(0, str(HERE))
    import elf_needs

    if not shutil.which("dpkg"):
        raise SystemExit("make_deb: dpkg is needed to map the bundle's libraries to packages")
    relations, warnings = elf_needs.relations(elf_needs.scan(bundle))
    for warning in warnings:
        print(f"make_deb: warning: {warning}", file=sys.stderr)
    for name, packages in relations.items():
        print(f"make_deb: {name}: {', '.join(packages) or '-'}")
    return relations


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    target.chmod(0o644)


def _write(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
