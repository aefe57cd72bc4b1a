"""Build the frozen app with one command: ``python packaging/build.py [--flavour lean|gpu]``.

Run it with the interpreter of the environment to freeze (the bundle carries whatever torch
that environment has: a CUDA wheel or a CPU-only one). Output goes to
``packaging/dist/<flavour>/modeldesk/``; work files to ``packaging/build/<flavour>/``.

    python packaging/build.py                      lean bundle
    python packaging/build.py --flavour gpu        everything torch's wheel carries
    python packaging/build.py --deb --tarball      and the .deb and the portable .tar.gz
    python packaging/build.py --dry-run            print the command and the lean exclusions
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import flavours  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flavour", choices=flavours.FLAVOURS, default="lean")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the PyInstaller command and the exclusions; build nothing")
    parser.add_argument("--deb", action="store_true", help="also build the .deb (Linux)")
    parser.add_argument("--tarball", action="store_true", help="also build the portable .tar.gz")
    parser.add_argument("--skip-freeze", action="store_true",
                        help="reuse an existing bundle (for --deb/--tarball)")
    args = parser.parse_args(argv)
    dist, work = HERE / "dist" / args.flavour, HERE / "build" / args.flavour
    command = [sys.executable, "-m", "PyInstaller", str(HERE / "modeldesk.spec"), "--noconfirm",
               "--clean", "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work)]
    if args.dry_run:
        print("MODELDESK_FLAVOUR=" + args.flavour, " ".join(command))
        print(flavours.describe(args.flavour))
        return 0
    bundle = dist / "modeldesk"
    if not args.skip_freeze:
        started = time.monotonic()
        env = {**os.environ, "MODELDESK_FLAVOUR": args.flavour}
        subprocess.run(command, check=True, cwd=ROOT, env=env)
        print(f"built {bundle} in {time.monotonic() - started:.0f} s")
    print(f"bundle size: {_size(bundle) / 1e9:.2f} GB ({args.flavour})")
    if args.tarball:
        print(f"wrote {make_tarball(bundle, args.flavour)}")
    if args.deb:
        sys.path.insert(0, str(HERE / "linux"))
        from make_deb import make_deb

        print(f"wrote {make_deb(bundle, HERE / 'dist', args.flavour)}")
    return 0


def make_tarball(bundle: Path, flavour: str) -> Path:
    """``modeldesk-<version>-<flavour>-linux-x86_64.tar.gz`` holding ``modeldesk/``."""
    out = bundle.parent.parent / f"modeldesk-{_version()}-{flavour}-linux-x86_64.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=1) as archive:  # CUDA libs barely compress
        archive.add(bundle, arcname="modeldesk")
    return out


def _version() -> str:
    sys.path.insert(0, str(ROOT))
    from app import __version__

    return __version__


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


if __name__ == "__main__":
    raise SystemExit(main())
