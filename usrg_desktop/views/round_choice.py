"""One default round for every round chooser: the round being reviewed, else the newest
(`workflows.grants.rounds.default_round_id`)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from ..storage import Database, StorageError
from ..workflows import WorkflowError
from ..workflows.grants.rounds import default_round_id
from .operations import read


def start_on_default_round(combo: QComboBox, db: Database) -> None:
    """Make the default round current in a chooser whose items carry round ids (if it is one
    of them; otherwise the chooser stays where it is)."""
    try:
        round_id = read(db, default_round_id)
    except (WorkflowError, StorageError):
        return
    index = combo.findData(round_id) if round_id is not None else -1
    if index >= 0:
        combo.setCurrentIndex(index)
