"""The menu entry, the MIME type and the icons: the keys desktops need, and consistent."""

from __future__ import annotations

import configparser
import shlex
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
EXPERIMENT_TYPE = "application/x-modeldesk-experiment"


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / "modeldesk.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_has_the_required_keys() -> None:
    entry = _entry()
    for key in ("Type", "Name", "Comment", "Exec", "Icon", "Categories", "MimeType"):
        assert entry.get(key), f"{key} is missing"
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Science" in entry["Categories"].split(";")


def test_exec_runs_the_installed_bundle_with_one_file() -> None:
    entry = _entry()
    argv = shlex.split(entry["Exec"])
    assert argv == ["/opt/modeldesk/modeldesk", "%f"]
    assert entry["TryExec"] == argv[0]


def test_icon_and_mime_types_match_what_is_shipped() -> None:
    entry = _entry()
    assert entry["Icon"] == "modeldesk"
    assert (ICONS / "modeldesk.svg").is_file()
    declared = _mime_types()
    listed = [t for t in entry["MimeType"].split(";") if t]
    assert EXPERIMENT_TYPE in listed and EXPERIMENT_TYPE in declared


def test_mime_xml_names_the_experiment_globs() -> None:
    globs = _mime_types()[EXPERIMENT_TYPE]
    assert {"*.modeldesk.toml", "*.toml"} <= set(globs)


def _mime_types() -> dict[str, list[str]]:
    root = ET.parse(LINUX / "modeldesk-mime.xml").getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    return {node.get("type"): [g.get("pattern") for g in node.iter(f"{MIME_NS}glob")]
            for node in root.iter(f"{MIME_NS}mime-type")}


@pytest.mark.skipif(not shutil.which("desktop-file-validate"),
                    reason="desktop-file-validate (desktop-file-utils) is not installed")
def test_desktop_file_validate_accepts_the_entry() -> None:
    result = subprocess.run(["desktop-file-validate", str(LINUX / "modeldesk.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_icon_png_exists_at_its_size(size: int) -> None:
    data = (ICONS / f"modeldesk-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (size, size)


def test_windows_icon_exists() -> None:
    assert (ICONS / "modeldesk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
