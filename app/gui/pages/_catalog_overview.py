"""The run detail's Overview tab: status, timings, device, environment, dataset and what its
validation skipped; tags and notes.

Tags and notes are edited here and announced with ``tags_edited``/``notes_edited``; the detail
view writes them through the catalog (records are never changed in place).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.catalog import RunDetail
from app.gui.pages._catalog_format import format_duration, format_time


def skipped_text(report: Mapping[str, Any] | None) -> str:
    """What the dataset's validation left out, from the report stored with the dataset."""
    if not report:
        return "—"
    found, kept = int(report.get("found", 0)), int(report.get("kept", 0))
    if found == kept:
        return f"nothing ({kept} samples kept)"
    reasons = Counter(str(item.get("reason", "")) for item in report.get("skipped") or ())
    listed = "; ".join(f"{count}× {reason}" for reason, count in reasons.most_common(3))
    return f"{found - kept} of {found} samples" + (f" ({listed})" if listed else "")


def parse_tags(text: str) -> list[str]:
    """``"a, b,,a "`` → ``["a", "b"]``: comma-separated, trimmed, no empties or repeats."""
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


class OverviewTab(QWidget):
    tags_edited = Signal(list)  # list[str]
    notes_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields: dict[str, QLabel] = {}
        facts = QGroupBox("Run")
        form = QFormLayout(facts)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in ("Status", "Message", "Created", "Started", "Finished", "Duration",
                     "Epochs", "Best", "Device", "Dataset", "Skipped", "Fingerprint", "Libraries",
                     "Platform", "Folder"):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{name}:", label)
            self._fields[name] = label
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("comma-separated, e.g. baseline, augmented")
        self.tags_edit.editingFinished.connect(self._on_tags_finished)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText("Notes about this run…")
        self.notes_edit.installEventFilter(self)
        self.save_notes_button = QPushButton("Save notes")
        self.save_notes_button.clicked.connect(self._on_save_notes)
        notes_box = QGroupBox("Tags and notes")
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.addWidget(QLabel("Tags:"))
        notes_layout.addWidget(self.tags_edit)
        notes_layout.addWidget(QLabel("Notes:"))
        notes_layout.addWidget(self.notes_edit, 1)
        notes_layout.addWidget(self.save_notes_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.addWidget(facts, 3)
        layout.addWidget(notes_box, 2)
        self._tags: list[str] = []
        self._notes = ""

    def show_run(self, detail: RunDetail) -> None:
        run, dataset = detail.run, detail.dataset
        env = run.environment
        libraries = env.get("libraries") or {}
        best = ""
        if run.best_val_metric is not None:
            best = f"{run.best_val_metric_name} {run.best_val_metric:.4f} (epoch {run.best_epoch})"
        values = {
            "Status": run.status + (f" · {run.health}" if run.health else "")
                      + (f" (in the trash since {format_time(run.trashed_at)})"
                         if run.trashed_at else ""),
            "Message": run.message or "—",
            "Created": format_time(run.created_at), "Started": format_time(run.started_at),
            "Finished": format_time(run.finished_at),
            "Duration": format_duration(run.wall_seconds),
            "Epochs": f"{run.epochs_done} of {run.total_epochs or '?'}",
            "Best": best,
            "Device": run.device or env.get("device") or "",
            "Dataset": (f"{dataset.path} ({dataset.kind}, {dataset.num_samples} samples, "
                        f"{len(dataset.class_names)} classes)") if dataset
                       else (run.dataset_path or ""),
            "Skipped": skipped_text(dataset.report if dataset else None),
            "Fingerprint": dataset.fingerprint if dataset else "",
            "Libraries": ", ".join(f"{name} {version}" for name, version in libraries.items()),
            "Platform": " · ".join(str(part) for part in (
                f"ModelDesk {env.get('modeldesk', '?')}", f"Python {env.get('python', '?')}",
                env.get("platform", ""), env.get("hostname", "")) if part),
            "Folder": str(run.run_dir),
        }
        for name, text in values.items():
            self._fields[name].setText(text)
        self._tags, self._notes = list(detail.tags), run.notes
        self.tags_edit.setText(", ".join(detail.tags))
        self.notes_edit.setPlainText(run.notes)

    def field_text(self, name: str) -> str:
        return self._fields[name].text()

    # -------------------------------------------------------------------------- handlers
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.notes_edit and event.type() == QEvent.Type.FocusOut:
            self._on_save_notes()
        return super().eventFilter(watched, event)

    def _on_tags_finished(self) -> None:
        tags = parse_tags(self.tags_edit.text())
        if tags != self._tags:
            self._tags = tags
            self.tags_edited.emit(tags)

    def _on_save_notes(self) -> None:
        text = self.notes_edit.toPlainText()
        if text != self._notes:
            self._notes = text
            self.notes_edited.emit(text)
