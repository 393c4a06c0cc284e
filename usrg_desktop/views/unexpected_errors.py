"""An unexpected error (a bug) is logged with its traceback and shown as a dialog naming the log."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import APP_NAME
from ..diagnostics import LOGGER_NAME, log_unexpected

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    logging.getLogger(LOGGER_NAME + ".qt").log(_QT_LEVELS.get(kind, logging.WARNING), message)


def install(log_path: Path) -> None:
    """Log Qt's own messages, and log and show any exception that reaches sys.excepthook."""
    qInstallMessageHandler(_qt_message)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log_unexpected(kind, exc, tb)
        if issubclass(kind, KeyboardInterrupt) or QApplication.instance() is None:
            sys.__excepthook__(kind, exc, tb)
            return
        QMessageBox.critical(
            QApplication.activeWindow(),
            APP_NAME,
            f"Something went wrong that the program did not expect: {exc}. Your last action may "
            f"not have been saved. The details are in the log file {log_path}; please send it to "
            "the secretariat's administrator.",
        )

    sys.excepthook = hook
