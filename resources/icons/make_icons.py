"""Render the application icon's PNG sizes (and the Windows .ico) from ``modeldesk.svg``.

Run after editing the SVG, and commit the results:

    .venv/bin/python resources/icons/make_icons.py

Qt's own SVG renderer (``PySide6.QtSvg``, part of PySide6-Essentials) draws each size
directly from the vector file, so small sizes are rasterised at their size rather than
scaled down from a large bitmap. Pillow writes the multi-size ``.ico`` that Windows builds
and the Inno Setup installer use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "modeldesk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)  # freedesktop hicolor sizes; 512 for macOS/HiDPI
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return HERE / f"modeldesk-{size}.png"


def render(size: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(png_path(size))):
        raise SystemExit(f"could not write {png_path(size)}")


def write_ico() -> None:
    from PIL import Image

    largest = Image.open(png_path(max(ICO_SIZES)))
    largest.save(HERE / "modeldesk.ico", sizes=[(s, s) for s in ICO_SIZES])


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    application = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    for size in SIZES:
        render(size)
        print(f"wrote {png_path(size).relative_to(HERE.parent.parent)}")
    write_ico()
    print("wrote resources/icons/modeldesk.ico")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
