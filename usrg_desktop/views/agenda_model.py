"""The agenda editor's table model: one meeting day's agenda items as rows, with their
computed times, and the drag payload (an item's id) a drop turns into a move request."""

from __future__ import annotations

import struct
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from ..workflows.meetings import agenda as wf

MIME_TYPE = "application/x-usrg-agenda-item"
AnyIndex = QModelIndex | QPersistentModelIndex


def encode_item(item_id: int) -> QMimeData:
    """The drag payload of one agenda item: its id."""
    data = QMimeData()
    data.setData(MIME_TYPE, QByteArray(struct.pack(">q", item_id)))
    return data


def decode_item(data: QMimeData) -> int | None:
    """The agenda item id a drag carries, or None for anything else."""
    if not data.hasFormat(MIME_TYPE):
        return None
    raw = bytes(data.data(MIME_TYPE).data())
    return struct.unpack(">q", raw)[0] if len(raw) == 8 else None


class AgendaDayModel(QAbstractTableModel):
    """One day's agenda items as rows; a drop of an item asks for a move by signal."""

    COL_START, COL_END, COL_MINUTES, COL_KIND, COL_TITLE, COL_PRESENTER, COL_PURPOSE = range(7)
    HEADERS = ("Start", "End", "Min.", "Type", "Title", "Presenter", "Purpose")

    # item id, target day, 1-based position in the target day (after the item left its place)
    move_requested = Signal(int, int, int)

    def __init__(self, day: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.day = day
        self.items: list[wf.AgendaRow] = []

    def set_items(self, items: list[wf.AgendaRow]) -> None:
        """Show these rows (a model reset)."""
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The number of items of the day."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Start, end, minutes, type, title, presenter, purpose."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        """Column headings."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The text of a cell."""
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.starts,
                item.ends,
                str(item.duration_minutes),
                item.kind.capitalize(),
                item.title,
                item.presenter,
                item.purpose,
            )[column]
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column <= self.COL_MINUTES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_TITLE:
            return item.description or item.title
        if role == Qt.ItemDataRole.FontRole and item.kind in ("break", "lunch"):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Rows can be dragged; drops go between rows (the view turns 'on a row' into before)."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        """Items are moved, never copied."""
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        """Items are moved, never copied."""
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        """The one drag format: an agenda item's id."""
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        """The dragged row's item id."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return encode_item(self.items[rows[0]].id) if rows else QMimeData()

    def dropMimeData(  # noqa: N802
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        """Turn a drop at `row` (or on `parent`'s row) into a move request."""
        item_id = decode_item(data)
        if item_id is None or action not in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.items)
        ids = [i.id for i in self.items]
        if item_id in ids and ids.index(item_id) < row:
            row -= 1  # the item leaves its old place above the drop point first
        if item_id in ids and ids.index(item_id) == row:
            return False
        self.move_requested.emit(item_id, self.day, row + 1)
        # The screen re-reads the agenda; nothing for the view to remove from this model.
        return False
