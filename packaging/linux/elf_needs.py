"""What the bundle's ELF files need from the system, split by ``elf_groups`` into required
libraries (they must resolve; their packages are the ``.deb``'s ``Depends``) and optional
plugins' ones (reported with the plugin and the package; ``Recommends``/``Suggests``).

    python packaging/linux/elf_needs.py BUNDLE     the smoke test's check: exit 1 when a
                                                   required library does not resolve

Parsing ``ldd`` and ``dpkg -S`` output are pure functions, so the tests feed them strings.
A library the bundle carries itself is never a dependency, even where ``ldd`` found a system
copy or none; one found nowhere is reported, and its package comes from ``KNOWN_PACKAGES``
or Debian's library naming (``libfoo.so.1`` is in ``libfoo1``) since ``dpkg -S`` cannot see it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from elf_groups import DATA_DEPENDS, OPTIONAL, Group, classify  # noqa: E402

# Libraries absent from a fresh machine, whose package a name-based guess gets wrong or
# that the optional plugins are known to need.
KNOWN_PACKAGES = {"libgdk-3.so.0": "libgtk-3-0", "libgtk-3.so.0": "libgtk-3-0",
                  "libwayland-cursor.so.0": "libwayland-cursor0",
                  "libwayland-egl.so.1": "libwayland-egl1",
                  "libwayland-client.so.0": "libwayland-client0"}
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(?:(not found)|(/\S+))")


@dataclass
class Needs:
    """One scan: per group, the system libraries found (paths) and the sonames not found."""

    found: dict[Group, set[str]] = field(default_factory=dict)
    missing: dict[Group, dict[str, set[str]]] = field(default_factory=dict)  # soname -> files

    def add(self, group: Group, elf: str, needed: list[tuple[str, str | None]],
            bundled: set[str]) -> None:
        """Record ``elf``'s ``ldd`` lines; ``bundled``: the file names the bundle carries."""
        for soname, path in needed:
            if soname in bundled:
                continue  # the bundle's own copy is what the frozen app loads
            if path:
                self.found.setdefault(group, set()).add(path)
            else:
                self.missing.setdefault(group, {}).setdefault(soname, set()).add(elf)

    def paths(self, required: bool) -> set[str]:
        return {p for g, paths in self.found.items() if g.required == required for p in paths}


def parse_ldd(text: str) -> list[tuple[str, str | None]]:
    """``(soname, resolved path or None)`` for each ``name => ...`` line of ``ldd`` output."""
    needed = []
    for line in text.splitlines():
        match = _LDD_LINE.match(line)
        if match:
            needed.append((match.group(1), None if match.group(2) else match.group(3)))
    return needed


def parse_dpkg_search(text: str) -> dict[str, str]:
    """``{path: package}`` from ``dpkg -S`` output (``pkg:arch: /path``, ``a, b: /path``)."""
    owners = {}
    for line in text.splitlines():
        if line.startswith(("diversion ", "dpkg-query:")) or ": " not in line:
            continue
        packages, path = line.rsplit(": ", 1)
        owners[path.strip()] = packages.split(",")[0].strip().split(":")[0]
    return owners


def package_for_soname(soname: str) -> str:
    """Debian's name for a library it cannot see: libfoo.so.1 -> libfoo1, libfoo-2.so.0 ->
    libfoo-2-0 (Debian policy 8.1), unless ``KNOWN_PACKAGES`` knows better."""
    if soname in KNOWN_PACKAGES:
        return KNOWN_PACKAGES[soname]
    match = re.match(r"^(lib.+)\.so\.(\d+)", soname)
    if not match:
        return ""
    stem, major = match.group(1).lower().replace("_", "-"), match.group(2)
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def candidates(path: str) -> list[str]:
    """The spellings dpkg may have recorded for ``path`` (merged /usr, symlinked sonames)."""
    out = [path, os.path.realpath(path)]
    for p in list(out):
        out.append(p.removeprefix("/usr") if p.startswith("/usr/") else "/usr" + p)
    return list(dict.fromkeys(out))


def owners(paths: set[str], dpkg_search=None) -> tuple[dict[str, str], list[str]]:  # noqa: ANN001
    """``{library: package}`` and the libraries no package owns (``/usr/local``, copies)."""
    spelled = {p: candidates(p) for p in sorted(paths)}
    flat = sorted({c for cs in spelled.values() for c in cs})
    text = (dpkg_search or _dpkg_search)(flat) if flat else ""
    table = parse_dpkg_search(text)
    found = {p: next(table[c] for c in cs if c in table)
             for p, cs in spelled.items() if any(c in table for c in cs)}
    return found, sorted(set(paths) - set(found))


def _dpkg_search(paths: list[str]) -> str:
    return subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True).stdout


def bundle_elves(bundle: Path) -> list[Path]:
    """Regular files of the bundle that start with the ELF magic number."""
    elves = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    elves.append(path)
    return elves


def scan(bundle: Path, ldd=None) -> Needs:  # noqa: ANN001
    """Run ``ldd`` on every ELF file of the bundle (its folders on the library path)."""
    elves = bundle_elves(bundle)
    bundled = {p.name for p in bundle.rglob("*.so*")}
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(sorted({str(p.parent) for p in elves}))}
    run = ldd or (lambda elf: subprocess.run(["ldd", str(elf)], capture_output=True,
                                             text=True, env=env).stdout)
    needs = Needs()
    for elf in elves:
        rel = str(elf.relative_to(bundle))
        needs.add(classify(rel), rel, parse_ldd(run(elf)), bundled)
    return needs


def report(needs: Needs) -> tuple[list[str], list[str]]:
    """Lines for the required libraries that do not resolve (failures) and for the optional
    plugins' ones (notes), each naming the files and the package that would provide them."""
    failures, notes = [], []
    for group in sorted(needs.missing, key=lambda g: (g.required, g.name)):
        for soname, elves in sorted(needs.missing[group].items()):
            files = ", ".join(sorted(Path(e).name for e in elves)[:3])
            more = f" (+{len(elves) - 3})" if len(elves) > 3 else ""
            line = (f"{soname} not found (Debian package {package_for_soname(soname) or '?'}), "
                    f"needed by {group.name}: {files}{more}")
            (failures if group.required else notes).append(line)
        if not group.required:
            notes.append(f"{group.name}, why optional: {group.reason}")
    return failures, notes


def relations(needs: Needs, dpkg_search=None) -> tuple[dict[str, list[str]], list[str]]:  # noqa: ANN001
    """``Depends`` (required files' libraries + ``DATA_DEPENDS``), ``Recommends`` and
    ``Suggests`` (optional groups, by their ``field``), and warnings for the required
    libraries that no package provides on the build machine (so are not in ``Depends``)."""
    required = needs.paths(True)
    owned, unowned = owners(required | needs.paths(False), dpkg_search)
    depends = {owned[p] for p in required if p in owned} | set(DATA_DEPENDS)
    warnings = [f"{p}: no Debian package owns it, not in Depends" for p in unowned
                if p in required]
    for group, missing in needs.missing.items():
        if group.required:
            warnings += [f"{soname} not found on the build machine, not in Depends (package "
                         f"{package_for_soname(soname) or '?'}?)" for soname in sorted(missing)]
    fields: dict[str, set[str]] = {"Depends": depends, "Recommends": set(), "Suggests": set()}
    for group in OPTIONAL:
        if group.field:
            fields[group.field] |= {owned[p] for p in needs.found.get(group, ()) if p in owned}
            fields[group.field] |= {package_for_soname(s) for s in needs.missing.get(group, {})}
    fields["Recommends"] -= depends
    fields["Suggests"] -= depends | fields["Recommends"]
    return {name: sorted(p for p in packages if p) for name, packages in fields.items()}, warnings


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    needs = scan(Path(args[0]))
    failures, notes = report(needs)
    for line in notes:
        print(f"optional: {line}")
    for line in failures:
        print(f"REQUIRED: {line}")
    print(f"{len(needs.paths(True))} system libraries for the required files resolve; "
          f"{len(failures)} required and {sum(map(len, needs.missing.values())) - len(failures)}"
          " optional plugins' libraries do not")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
