"""Drawing explanations: a saliency map over its image, and a text with its tokens tinted.

``saliency_overlay`` works on ``QImage`` only (no widget), so it runs in the background task
that computed the map; the views then only set a pixmap or rich text on the GUI thread.

Colours: the heat ramp runs blue, green, yellow, vermillion (Okabe–Ito colours, told apart
under the common colour-vision deficiencies, in a turbo-like order) and fades to transparent
where the model found nothing, so the picture stays visible under weak evidence.
Tokens for the class are tinted blue, tokens against it vermillion (Okabe–Ito), more strongly
the more they counted.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

OVERLAY_SIDE = 280
MAX_ALPHA = 0.7  # the strongest evidence hides 70 % of the picture under it
_RAMP = np.array([(0, 114, 178), (0, 158, 115), (240, 228, 66), (213, 94, 0)], np.float32)
FOR_COLOR, AGAINST_COLOR = (0, 114, 178), (213, 94, 0)
HEAT_LEGEND = ("The brighter and more opaque the tint, the more that area raised the score "
               "of <b>{target}</b>; untinted areas did not.")
TOKEN_LEGEND = (f"<span style='background:{QColor(*FOR_COLOR).name()};color:white'>&nbsp;blue"
                "&nbsp;</span> words pushed towards <b>{target}</b>, <span style='background:"
                f"{QColor(*AGAINST_COLOR).name()};color:white'>&nbsp;vermillion&nbsp;</span> "
                "words against it; <i>italic</i>: not in the model's vocabulary.")


def heat_rgba(heatmap: np.ndarray) -> np.ndarray:
    """``H×W`` heat in [0, 1] → ``H×W×4`` uint8 RGBA: ramp colour, opacity rising with heat."""
    heat = np.clip(np.asarray(heatmap, dtype=np.float32), 0.0, 1.0)
    position = heat * (len(_RAMP) - 1)
    low = np.minimum(position.astype(np.int64), len(_RAMP) - 2)
    frac = (position - low)[..., None]
    rgb = _RAMP[low] * (1 - frac) + _RAMP[low + 1] * frac
    alpha = (MAX_ALPHA * 255 * np.sqrt(heat))[..., None]  # faint evidence stays visible
    return np.ascontiguousarray(np.concatenate([rgb, alpha], axis=-1).round().astype(np.uint8))


def _qimage(rgba: np.ndarray) -> QImage:
    height, width = rgba.shape[:2]
    return QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def read_picture(path: str | Path) -> QImage:
    """The image as a viewer shows it (EXIF orientation applied); null when unreadable."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    return reader.read()


def saliency_overlay(picture: QImage, heatmap: np.ndarray, side: int = OVERLAY_SIDE) -> QImage:
    """``picture`` fitted into ``side`` pixels with the heat drawn over it (any thread).

    Small training-size pictures are enlarged without smoothing so their pixels stay visible;
    the heat is always smoothed (it is a coarse map upsampled already).
    """
    if picture.isNull():
        picture = QImage(heatmap.shape[1], heatmap.shape[0], QImage.Format.Format_RGB32)
        picture.fill(QColor("#808080"))
    mode = (Qt.TransformationMode.FastTransformation
            if max(picture.width(), picture.height()) < side
            else Qt.TransformationMode.SmoothTransformation)
    base = picture.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, mode)
    base = base.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    if heatmap.shape[0] > base.height() or heatmap.shape[1] > base.width():
        # a photo's full-size map: colour only the pixels that will be drawn
        heatmap = np.asarray(Image.fromarray(np.asarray(heatmap, np.float32), mode="F").resize(
            (base.width(), base.height()), Image.Resampling.BILINEAR))
    painter = QPainter(base)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(QRect(0, 0, base.width(), base.height()), _qimage(heat_rgba(heatmap)))
    painter.end()
    return base


def heat_scale(width: int = 110, height: int = 12) -> QImage:
    """The legend's bar: the overlay's tint from no evidence (left) to the strongest, over
    mid grey."""
    ramp = np.tile(np.linspace(0.0, 1.0, width, dtype=np.float32), (height, 1))
    grey = QImage(width, height, QImage.Format.Format_RGB32)
    grey.fill(QColor("#9a9a9a"))
    return saliency_overlay(grey, ramp, side=width)


def _blend(color: tuple[int, int, int], amount: float) -> str:
    r, g, b = (round(255 + (c - 255) * amount) for c in color)
    return f"#{r:02x}{g:02x}{b:02x}"


def token_html(explained: Any) -> str:
    """Rich text of ``TokenAttributions``: each token tinted by its normalised score."""
    parts = []
    for token, score, known in zip(explained.tokens, explained.normalised(), explained.known,
                                   strict=True):
        amount = min(abs(score), 1.0) * 0.85
        color = FOR_COLOR if score >= 0 else AGAINST_COLOR
        text = "white" if amount > 0.55 else "#111111"
        shown = html.escape(token[2:] if token.startswith("##") else token)
        style = f"background:{_blend(color, amount)};color:{text}"
        if not known:
            style += ";font-style:italic"
        span = f"<span style='{style}'>&nbsp;{shown}&nbsp;</span>"
        glue = "" if token.startswith("##") else " "  # a word piece continues its word
        parts.append((glue if parts else "") + span)
    return "<p style='line-height:160%'>" + "".join(parts) + "</p>"


def _caption(explained: Any) -> str:
    return (f"<b>{html.escape(explained.target)}</b> · probability "
            f"{explained.probability:.1%}<br><span style='color:#555'>"
            f"{html.escape(explained.method)}</span>")


class SaliencyView(QWidget):
    """The overlay picture, what it explains, and how to read it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(120, 120)
        self.caption, self.legend = QLabel(), QLabel()
        for label in (self.caption, self.legend):
            label.setWordWrap(True)
        self.legend.setStyleSheet("color: #555")
        scale = QLabel()
        scale.setPixmap(QPixmap.fromImage(heat_scale()))
        bar = QHBoxLayout()
        for widget in (QLabel("none"), scale, QLabel("strongest")):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        self.saliency: Any = None

    def show_saliency(self, saliency: Any, overlay: QImage) -> None:
        self.saliency = saliency
        self.picture.setPixmap(QPixmap.fromImage(overlay))
        self.caption.setText(_caption(saliency))
        if not saliency.heatmap.any():
            self.legend.setText("The model found no evidence for this class anywhere in "
                                "the picture.")
        else:
            self.legend.setText(HEAT_LEGEND.format(target=html.escape(saliency.target)))


class TokenView(QWidget):
    """The text with each token tinted, what it explains, and how to read it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text, self.caption, self.legend = QLabel(), QLabel(), QLabel()
        for label in (self.text, self.caption, self.legend):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.legend.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.caption)
        layout.addWidget(self.legend)
        layout.addStretch(1)
        self.attributions: Any = None

    def show_attributions(self, explained: Any) -> None:
        self.attributions = explained
        self.text.setText(token_html(explained))
        self.caption.setText(_caption(explained))
        self.legend.setText(TOKEN_LEGEND.format(target=html.escape(explained.target)))


def compute_explanations(catalog: Any, run_id: int, item: str | Path,
                         targets: tuple[Any, ...], side: int = OVERLAY_SIDE,
                         ) -> list[tuple[Any, QImage | None]]:
    """Background work: run ``run_id``'s explanation of ``item`` for each target (``None`` is
    the predicted class), with the overlay picture (``side`` pixels) for image models."""
    from app.core.explain import load_explainer

    explainer = load_explainer(catalog, run_id)
    picture = read_picture(item) if explainer.kind == "image" else None
    results = []
    for target in targets:
        explained = explainer.explain(item, target)
        overlay = None if picture is None else saliency_overlay(picture, explained.heatmap, side)
        results.append((explained, overlay))
    return results
