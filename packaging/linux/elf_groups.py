"""Which ELF files of the bundle must load on every workstation, and which are optional plugins.

One table, read by ``elf_needs.py`` (the smoke test's library check and the ``.deb``'s
``Depends``/``Recommends``/``Suggests``). PyInstaller's Qt hooks collect every plugin of the
modules the app imports, including Wayland, EGLFS, VNC and GTK ones that Qt loads only when
their environment exists. Their libraries must not become hard dependencies (a workstation
without Wayland must still install and start the app), and must not fail the smoke test.

Groups are tried in order, OPTIONAL first; the first whose glob matches the file's path
inside the bundle wins. Anything no group names falls to the last REQUIRED group: a new,
unclassified plugin folder then fails the smoke test loudly instead of hiding its needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch


@dataclass(frozen=True)
class Group:
    """Files that load together, whether every start needs them, and why."""

    name: str
    required: bool
    reason: str
    patterns: tuple[str, ...]
    field: str = ""  # optional groups: the .deb field for their packages ("" = none)

    def matches(self, path: str) -> bool:
        path = "/" + path.replace("\\", "/").lstrip("/")
        return any(fnmatch(path, "*/" + pattern) for pattern in self.patterns)


_P = "PySide6/Qt/plugins/"

OPTIONAL = (
    Group("Wayland platform", False,
          "Qt tries it first only in a Wayland session (XDG_SESSION_TYPE=wayland) and falls "
          "back to xcb (XWayland) when it cannot load; X11 workstations never load it. "
          "Recommends: the client libraries are small and make the app native on Wayland",
          (_P + "platforms/libqwayland*.so", _P + "wayland-*/*", "*/libQt6Wayland*.so*",
           "*/libQt6WlShellIntegration*.so*"), "Recommends"),
    Group("EGLFS, linuxfb, VNC, Vulkan-display and minimal platforms", False,
          "only when QT_QPA_PLATFORM names them: kiosks without a window system, remote "
          "frame buffers, tests; a desktop app never needs them",
          (_P + "platforms/libqeglfs.so", _P + "platforms/libqlinuxfb.so",
           _P + "platforms/libqvnc.so", _P + "platforms/libqvkkhrdisplay.so",
           _P + "platforms/libqminimal*.so", _P + "egldeviceintegrations/*",
           "*/libQt6EglF[Ss]*.so*")),
    Group("GTK 3 platform theme", False,
          "loads only on GTK desktops (GNOME, Xfce, ...) for native dialogs and colours; those "
          "have GTK 3 installed, and elsewhere Qt uses its own style. Suggests: GTK is large",
          (_P + "platformthemes/libqgtk3.so",), "Suggests"),
    Group("XDG desktop portal theme", False,
          "portal file dialogs in sandboxed sessions, over D-Bus; Qt's own dialogs otherwise",
          (_P + "platformthemes/libqxdgdesktopportal.so",), "Suggests"),
    Group("input methods", False,
          "IBus, compose and virtual-keyboard input; load when the session or QT_IM_MODULE "
          "asks, and typing works without them",
          (_P + "platforminputcontexts/*",), "Suggests"),
    Group("generic input devices", False,
          "evdev, tslib and TUIO input for EGLFS/linuxfb, loaded by QT_QPA_GENERIC_PLUGINS only",
          (_P + "generic/*",)),
    Group("network, TLS and printing backends", False,
          "QNetworkInformation, TLS and CUPS plugins: the app makes no connections and never "
          "prints", (_P + "networkinformation/*", _P + "tls/*", _P + "printsupport/*")),
    Group("image formats the app does not read", False,
          "ICO, ICNS, TGA, WBMP and PDF readers; the app opens PNG, JPEG, BMP, GIF, WebP, TIFF "
          "and its SVG icon", (_P + "imageformats/libqico.so", _P + "imageformats/libqicns.so",
                               _P + "imageformats/libqtga.so", _P + "imageformats/libqwbmp.so",
                               _P + "imageformats/libqpdf.so", _P + "vectorimageformats/*")),
    Group("SQL drivers and Qt tooling", False,
          "Qt SQL database clients (the app uses Python's sqlite3), Designer and QML tooling; "
          "the lean flavour drops them (flavours.py) and nothing the app does loads them",
          (_P + "sqldrivers/*", _P + "designer/*", _P + "qmltooling/*", _P + "qmllint/*")),
)

REQUIRED = (
    Group("the app's executable", True, "what the menu entry and the command start",
          ("modeldesk",)),
    Group("Qt platform plugins xcb and offscreen", True,
          "xcb draws the window on X11 and under XWayland; offscreen runs --self-test and "
          "headless checks; the xcb GL integrations load with xcb",
          (_P + "platforms/libqxcb.so", _P + "platforms/libqoffscreen.so",
           _P + "xcbglintegrations/*")),
    Group("Qt image formats and icon engine the app uses", True,
          "JPEG, GIF, WebP and TIFF previews and thumbnails; the SVG icon (PNG and BMP are "
          "built into QtGui)", (_P + "imageformats/*", _P + "iconengines/*")),
    Group("Python extension modules", True,
          "the standard library's, PySide6's, torch's and the other packages' compiled modules",
          ("*.cpython-*.so", "*.abi3.so", "lib-dynload/*.so")),
    Group("torch and the CUDA libraries it links", True,
          "libtorch.so links libtorch_cuda.so and its CUDA libraries even without a GPU",
          ("torch/*", "nvidia/*")),
    Group("Qt libraries", True, "QtCore, QtGui, QtWidgets, QtDBus, the xcb QPA and the rest",
          ("PySide6/*",)),
    Group("other bundled libraries", True,
          "libpython and the system libraries PyInstaller copied; anything no group names "
          "counts as required", ("*",)),
)

GROUPS = OPTIONAL + REQUIRED

# Required at run time but invisible to ldd: data that bundled libraries read from the system.
DATA_DEPENDS = {
    "fontconfig-config": "the bundled libfontconfig reads /etc/fonts; the package pulls in a font",
    "xkb-data": "keyboard maps for the bundled libxkbcommon (xcb compiles one from them when "
                "the X server offers none)",
}


def classify(path: str) -> Group:
    """The group of the bundle file at ``path`` (relative to the bundle or ``_internal``)."""
    for group in GROUPS:
        if group.matches(path):
            return group
    raise AssertionError("the last group matches everything")
