"""The text preview: a table of rows (label, text, source) with a class filter and a search box.

The model reads the dataset's tuples directly and the proxy filters on those tuples, not on
``data()`` strings, so tens of thousands of rows filter and scroll without a pause.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.datasets import Dataset
from app.gui.pages._data_filters import fill_class_combo

COLUMNS = ("Label", "Text", "Source")
_Index = QModelIndex | QPersistentModelIndex


class TextRowsModel(QAbstractTableModel):
    """Read-only rows of a text dataset, one per kept sample, in a sortable order.

    Sorting happens here with Python's ``sorted`` over the dataset's tuples (milliseconds for
    tens of thousands of rows); a proxy sorting through ``lessThan``/``data()`` took seconds.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self._texts: tuple[str, ...] = ()
        self._folded: tuple[str, ...] | None = None
        self.order: list[int] = []  # row -> sample index in the dataset

    def set_dataset(self, dataset: Dataset | None) -> None:
        self.beginResetModel()
        self.dataset = dataset
        self._texts = (dataset.texts or ()) if dataset is not None else ()
        self._folded = None
        self.order = list(range(len(self._texts)))
        self.endResetModel()

    def folded_texts(self) -> tuple[str, ...]:
        """Case-folded texts by sample index, computed on the first search or sort."""
        if self._folded is None:
            self._folded = tuple(text.casefold() for text in self._texts)
        return self._folded

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Label (then file order), text (case-insensitive), or file order for column -1/2."""
        dataset = self.dataset
        if dataset is None:
            return
        samples = range(len(self._texts))
        if column == 0:
            names = dataset.class_names
            new = sorted(samples, key=lambda i: names[dataset.labels[i]])
        elif column == 1:
            new = sorted(samples, key=self.folded_texts().__getitem__)
        else:
            new = list(samples)
        if order == Qt.SortOrder.DescendingOrder and column >= 0:
            new.reverse()
        self.layoutAboutToBeChanged.emit()
        row_of = {sample: row for row, sample in enumerate(new)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(persistent, [
            self.index(row_of[self.order[index.row()]], index.column()) for index in persistent])
        self.order = new
        self.layoutChanged.emit()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or self.dataset is None:
            return None
        sample, column = self.order[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self.dataset.class_names[self.dataset.labels[sample]]
            if column == 1:
                text = self._texts[sample]
                return text if len(text) <= 300 else text[:297] + "…"
            return self.dataset.sample_ids[sample]
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return self._texts[sample][:2000]
        return None


class TextFilterProxy(QSortFilterProxyModel):
    """Keeps rows of one class (or all) whose text contains the search words.

    Sorting is handed to the source model (see ``TextRowsModel``); the proxy only filters.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.class_index: int | None = None
        self.search = ""

    def set_filter(self, class_index: int | None, search: str) -> None:
        self.beginFilterChange()
        self.class_index, self.search = class_index, search.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        dataset = model.dataset
        if dataset is None:
            return False
        sample = model.order[source_row]
        if self.class_index is not None and dataset.labels[sample] != self.class_index:
            return False
        return not self.search or self.search in model.folded_texts()[sample]


class TextPreview(QWidget):
    """Class filter, search box, row count and the table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = TextRowsModel(self)
        self.proxy = TextFilterProxy(self)
        self.proxy.setSourceModel(self.rows)
        self.class_filter = QComboBox()
        self.class_filter.setMinimumContentsLength(16)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search texts…")
        self.search.setClearButtonEnabled(True)
        self.shown = QLabel()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # file order until clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 120)
        header.resizeSection(2, 80)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Class:"))
        bar.addWidget(self.class_filter)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.class_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.search.textChanged.connect(self._on_filter_changed)

    def set_dataset(self, dataset: Dataset) -> None:
        self.rows.set_dataset(dataset)
        fill_class_combo(self.class_filter, dataset)
        self._on_filter_changed()

    def _on_filter_changed(self) -> None:
        self.proxy.set_filter(self.class_filter.currentData(), self.search.text())
        self.shown.setText(f"{self.proxy.rowCount():,} of {self.rows.rowCount():,} rows")
