"""Required vs optional ELF files, and the .deb's relations, on a synthetic bundle (no build).

The fake ``ldd`` and ``dpkg -S`` outputs below are what Debian 12 prints for the real files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
sys.path.insert(0, str(LINUX))
import elf_groups  # noqa: E402
import elf_needs  # noqa: E402

Q = "_internal/PySide6/Qt/plugins/"
SYS = "/lib/x86_64-linux-gnu/"


@pytest.mark.parametrize(("path", "group"), [
    ("modeldesk", "the app's executable"),
    (Q + "platforms/libqxcb.so", "Qt platform plugins xcb and offscreen"),
    (Q + "platforms/libqoffscreen.so", "Qt platform plugins xcb and offscreen"),
    (Q + "xcbglintegrations/libqxcb-glx-integration.so", "Qt platform plugins xcb and offscreen"),
    (Q + "imageformats/libqjpeg.so", "Qt image formats and icon engine the app uses"),
    (Q + "iconengines/libqsvgicon.so", "Qt image formats and icon engine the app uses"),
    ("_internal/PySide6/QtWidgets.abi3.so", "Python extension modules"),
    ("_internal/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
     "Python extension modules"),
    ("_internal/torch/lib/libtorch_cpu.so", "torch and the CUDA libraries it links"),
    ("_internal/nvidia/cu13/lib/libcublas.so.13", "torch and the CUDA libraries it links"),
    ("_internal/PySide6/Qt/lib/libQt6XcbQpa.so.6", "Qt libraries"),
    ("_internal/libpython3.11.so.1.0", "other bundled libraries"),
    (Q + "newfolder/libqsomething.so", "Qt libraries"),  # unclassified: counts as required
])
def test_required_files(path: str, group: str) -> None:
    assert elf_groups.classify(path).name == group
    assert elf_groups.classify(path).required


@pytest.mark.parametrize(("path", "group"), [
    (Q + "platforms/libqwayland.so", "Wayland platform"),
    (Q + "wayland-shell-integration/libxdg-shell.so", "Wayland platform"),
    (Q + "wayland-graphics-integration-client/libqt-plugin-wayland-egl.so", "Wayland platform"),
    ("_internal/PySide6/Qt/lib/libQt6WaylandClient.so.6", "Wayland platform"),
    ("_internal/libQt6WlShellIntegration.so.6", "Wayland platform"),
    (Q + "platforms/libqeglfs.so", "EGLFS, linuxfb, VNC, Vulkan-display and minimal platforms"),
    (Q + "platforms/libqvnc.so", "EGLFS, linuxfb, VNC, Vulkan-display and minimal platforms"),
    ("_internal/libQt6EglFSDeviceIntegration.so.6",
     "EGLFS, linuxfb, VNC, Vulkan-display and minimal platforms"),
    (Q + "platformthemes/libqgtk3.so", "GTK 3 platform theme"),
    (Q + "platforminputcontexts/libibusplatforminputcontextplugin.so", "input methods"),
    (Q + "imageformats/libqtga.so", "image formats the app does not read"),
    (Q + "tls/libqopensslbackend.so", "network, TLS and printing backends"),
])
def test_optional_plugins(path: str, group: str) -> None:
    found = elf_groups.classify(path)
    assert (found.name, found.required) == (group, False)
    assert found.reason and found.field in ("", "Recommends", "Suggests")


def test_every_optional_group_says_why_and_matches_no_required_file() -> None:
    assert elf_groups.GROUPS[-1].patterns == ("*",)
    for group in elf_groups.OPTIONAL:
        assert len(group.reason) > 40 and not group.required
    assert {g.field for g in elf_groups.OPTIONAL if "Wayland" in g.name} == {"Recommends"}


LDD_XCB = f"""\tlinux-vdso.so.1 (0x00007ffd1b5f2000)
\tlibQt6XcbQpa.so.6 => /b/_internal/libQt6XcbQpa.so.6 (0x00007f0e1c400000)
\tlibxcb-cursor.so.0 => {SYS}libxcb-cursor.so.0 (0x00007f0e1c3f0000)
\tlibGL.so.1 => {SYS}libGL.so.1 (0x00007f0e1c360000)
\tlibc.so.6 => {SYS}libc.so.6 (0x00007f0e1c000000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0e1c8a0000)
"""
LDD_WAYLAND = f"""\tlibQt6WaylandClient.so.6 => /b/_internal/libQt6WaylandClient.so.6 (0x1)
\tlibwayland-client.so.0 => {SYS}libwayland-client.so.0 (0x2)
\tlibwayland-cursor.so.0 => not found
\tlibc.so.6 => {SYS}libc.so.6 (0x3)
"""
LDD_GTK = (f"\tlibgtk-3.so.0 => not found\n\tlibgdk-3.so.0 => not found\n"
           f"\tlibc.so.6 => {SYS}libc.so.6\n")
DPKG_S = f"""libc6:amd64: {SYS}libc.so.6
libgl1:amd64: {SYS}libGL.so.1
libxcb-cursor0:amd64: {SYS}libxcb-cursor.so.0
libwayland-client0:amd64, libwayland-client0:i386: {SYS}libwayland-client.so.0
diversion by libc6 from: /lib/ld-linux.so.2
dpkg-query: no path found matching pattern /usr{SYS}libGL.so.1
"""


def test_parse_ldd() -> None:
    assert elf_needs.parse_ldd(LDD_XCB) == [
        ("libQt6XcbQpa.so.6", "/b/_internal/libQt6XcbQpa.so.6"),
        ("libxcb-cursor.so.0", SYS + "libxcb-cursor.so.0"),
        ("libGL.so.1", SYS + "libGL.so.1"), ("libc.so.6", SYS + "libc.so.6")]
    assert ("libwayland-cursor.so.0", None) in elf_needs.parse_ldd(LDD_WAYLAND)
    assert elf_needs.parse_ldd("\tnot a dynamic executable\n") == []


def test_parse_dpkg_search() -> None:
    owners = elf_needs.parse_dpkg_search(DPKG_S)
    assert owners[SYS + "libwayland-client.so.0"] == "libwayland-client0"
    assert owners[SYS + "libGL.so.1"] == "libgl1" and len(owners) == 4


@pytest.mark.parametrize(("soname", "package"), [
    ("libwayland-cursor.so.0", "libwayland-cursor0"), ("libwayland-egl.so.1", "libwayland-egl1"),
    ("libgdk-3.so.0", "libgtk-3-0"), ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"), ("libX11-xcb.so.1", "libx11-xcb1"),
    ("ld-linux.so.2", ""),
])
def test_package_for_a_library_the_machine_lacks(soname: str, package: str) -> None:
    assert elf_needs.package_for_soname(soname) == package


def _bundle(tmp_path: Path, files: dict[str, str]) -> tuple[Path, object]:
    """ELF-looking files (and a symlinked soname) with canned ``ldd`` output per file."""
    bundle = tmp_path / "modeldesk"
    for rel in [*files, "_internal/PySide6/Qt/lib/libQt6XcbQpa.so.6"]:
        (bundle / rel).parent.mkdir(parents=True, exist_ok=True)
        (bundle / rel).write_bytes(b"\x7fELF" + b"\0" * 12)
    (bundle / "_internal/libQt6XcbQpa.so.6").symlink_to("PySide6/Qt/lib/libQt6XcbQpa.so.6")
    (bundle / "_internal/resources").mkdir()
    (bundle / "_internal/resources/notes.txt").write_text("not an ELF file")
    canned = {bundle / rel: text for rel, text in files.items()}
    return bundle, lambda elf: canned.get(elf, "")


FILES = {"modeldesk": f"\tlibc.so.6 => {SYS}libc.so.6\n", Q + "platforms/libqxcb.so": LDD_XCB,
         Q + "platforms/libqwayland.so": LDD_WAYLAND, Q + "platformthemes/libqgtk3.so": LDD_GTK}


def test_without_wayland_the_required_files_resolve(tmp_path: Path) -> None:
    needs = elf_needs.scan(*_bundle(tmp_path, FILES))
    failures, notes = elf_needs.report(needs)
    assert failures == []
    assert any("libwayland-cursor.so.0 not found (Debian package libwayland-cursor0), needed "
               "by Wayland platform: libqwayland.so" in line for line in notes)
    assert any(line.startswith("GTK 3 platform theme, why optional: ") for line in notes)
    assert SYS + "libwayland-client.so.0" not in needs.paths(required=True)


def test_relations_from_the_required_set_only(tmp_path: Path) -> None:
    needs = elf_needs.scan(*_bundle(tmp_path, FILES))
    relations, warnings = elf_needs.relations(needs, dpkg_search=lambda paths: DPKG_S)
    assert relations["Depends"] == sorted(["libc6", "libgl1", "libxcb-cursor0",
                                           *elf_groups.DATA_DEPENDS])
    assert relations["Recommends"] == ["libwayland-client0", "libwayland-cursor0"]
    assert relations["Suggests"] == ["libgtk-3-0"]
    assert warnings == []


def test_a_bundled_library_is_no_dependency_and_a_missing_one_is_reported(tmp_path) -> None:  # noqa: ANN001
    files = {**FILES, "_internal/libbundled.so.1": (
        "\tlibQt6XcbQpa.so.6 => not found\n"  # the bundle carries it, the path did not show it
        f"\tlibxcb-cursor.so.0 => {SYS}libxcb-cursor.so.0\n\tlibfoo-2.so.0 => not found\n"
        f"\tlibodd.so.1 => /usr/local/lib/libodd.so.1\n")}
    needs = elf_needs.scan(*_bundle(tmp_path, files))
    failures, _ = elf_needs.report(needs)
    assert [line.split(" (")[0] for line in failures] == ["libfoo-2.so.0 not found"]
    assert "libfoo-2-0" in failures[0] and "libbundled.so.1" in failures[0]
    relations, warnings = elf_needs.relations(needs, dpkg_search=lambda paths: DPKG_S)
    assert "libfoo-2-0" not in relations["Depends"]
    assert warnings == ["/usr/local/lib/libodd.so.1: no Debian package owns it, not in Depends",
                        "libfoo-2.so.0 not found on the build machine, not in Depends (package "
                        "libfoo-2-0?)"]


def test_dpkg_is_asked_for_every_spelling_of_a_path(tmp_path: Path) -> None:
    asked: list[str] = []
    found, unowned = elf_needs.owners({f"/usr{SYS}libGL.so.1"},
                                      lambda paths: asked.extend(paths) or DPKG_S)
    assert found == {f"/usr{SYS}libGL.so.1": "libgl1"} and unowned == []
    assert SYS + "libGL.so.1" in asked


def test_the_command_needs_one_bundle() -> None:
    assert elf_needs.main([]) == 2
