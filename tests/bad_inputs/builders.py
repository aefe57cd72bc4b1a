"""Writers of bad inputs: every case of the corpus is made here, in a test's ``tmp_path``.

Nothing binary is committed: symbolic links, named pipes, undecodable file names, a PNG header
claiming ten billion pixels and a sideways phone photo are all generated on the fly. The GUI
test (``tests/gui/test_bad_inputs_window.py``) builds its bad datasets with the same writers,
so the window is shown exactly what the command line is.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

GOOD_CLASSES = ("red", "green", "blue")
LINUX_ONLY = pytest.mark.skipif(
    sys.platform != "linux", reason="needs Linux file-system semantics: symbolic links, named "
    "pipes and file names of arbitrary bytes")


def copy_images(template: Path, where: Path) -> Path:
    """A private copy of the session's tiny image folder (3 classes × 6 PNGs)."""
    return Path(shutil.copytree(template, where))


def png_bytes(colour: tuple[int, int, int] = (200, 30, 30), size: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png(pixels_per_side: int = 100_000) -> bytes:
    """A valid PNG signature and IHDR announcing a huge image, and one tiny IDAT: opening it
    is PIL's decompression-bomb case (10 billion pixels), decoding it is never attempted."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", pixels_per_side, pixels_per_side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def rotated_jpeg(path: Path) -> Path:
    """A photo stored sideways with EXIF orientation 6 ("rotate 90° clockwise to view").

    Upright it is 16 wide and 32 tall, red on top and blue below; the stored pixels are that
    picture turned 90° counter-clockwise (32 wide, red on the left).
    """
    upright = Image.new("RGB", (16, 32), (220, 20, 20))
    upright.paste((20, 20, 220), (0, 16, 16, 32))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    path.parent.mkdir(parents=True, exist_ok=True)
    stored.save(path, format="JPEG", exif=exif.tobytes(), quality=95)
    return path


def non_utf8(folder: Path, raw_name: bytes) -> Path:
    """``folder / raw_name`` where ``raw_name`` holds bytes that are not UTF-8."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + raw_name))


# ------------------------------------------------------------------------- image folders
def dangling_link(root: Path) -> str:
    (root / "red" / "gone.png").symlink_to(root / "deleted-long-ago.png")
    return "red/gone.png"


def self_loop_link(root: Path) -> str:
    (root / "red" / "loop.png").symlink_to("loop.png")
    return "red/loop.png"


def link_to_dataset(root: Path) -> str:
    (root / "everything").symlink_to(root, target_is_directory=True)
    return "everything/"


def link_to_ancestor(root: Path) -> str:
    (root / "up").symlink_to(root.parent, target_is_directory=True)
    return "up/"


def link_loop_inside_class(root: Path) -> str:
    (root / "red" / "again").symlink_to("..", target_is_directory=True)
    return "red/again/"


def named_pipe(root: Path) -> str:
    os.mkfifo(root / "red" / "camera-feed.png")
    return "red/camera-feed.png"


def undecodable_names(root: Path) -> tuple[str, str]:
    """A file ``caf\\xe9.png`` (Latin-1 bytes) and a class folder ``gr\\xfcn``."""
    shutil.copyfile(root / "red" / "000.png", non_utf8(root / "red", b"caf\xe9.png"))
    os.rename(root / "green", non_utf8(root, b"gr\xfcn"))
    return "red/caf\\xe9.png", "gr\\xfcn"


def zero_bytes(root: Path) -> str:
    (root / "red" / "empty.png").write_bytes(b"")
    return "red/empty.png"


def truncated_png(root: Path) -> str:
    data = png_bytes(size=32)
    (root / "red" / "cut.png").write_bytes(data[: len(data) * 2 // 3])
    return "red/cut.png"


def random_jpeg(root: Path) -> str:
    (root / "red" / "noise.jpg").write_bytes(random.Random(7).randbytes(600))
    return "red/noise.jpg"


def bomb(root: Path) -> str:
    (root / "red" / "bomb.png").write_bytes(bomb_png())
    return "red/bomb.png"


def other_formats(root: Path) -> tuple[str, ...]:
    """A GIF, a WEBP, an RGBA PNG with transparency and a sideways JPEG: all must be kept."""
    Image.new("P", (8, 8), 3).save(root / "red" / "anim.gif")
    Image.new("RGB", (8, 8), (10, 200, 10)).save(root / "green" / "photo.webp")
    Image.new("RGBA", (8, 8), (0, 0, 255, 0)).save(root / "blue" / "clear.png")
    rotated_jpeg(root / "blue" / "phone.jpg")
    return ("red/anim.gif", "green/photo.webp", "blue/clear.png", "blue/phone.jpg")


def clutter(root: Path) -> None:
    """What Finder, Explorer, git and zip leave behind; none of it is a sample or a class."""
    (root / "red" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "red" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "green" / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    (root / "__MACOSX" / "red").mkdir(parents=True)
    (root / "__MACOSX" / "red" / "._000.png").write_bytes(b"\x00\x05\x16\x07")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")


def only_one_class(root: Path) -> None:
    shutil.rmtree(root / "green")
    shutil.rmtree(root / "blue")


def empty_class_folder(root: Path) -> str:
    (root / "purple").mkdir()
    return "purple"


def only_empty_class_folders(root: Path) -> None:
    for name in GOOD_CLASSES:
        shutil.rmtree(root / name)
        (root / name).mkdir()
