"""The program's log file: Python logging to a rotating file where settings.log_file() says.

No Qt here; views/unexpected_errors.py adds the excepthook and Qt's messages on top.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from . import settings

LOGGER_NAME = "usrg_desktop"
_MAX_BYTES = 1_000_000
_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def start_logging(path: Path | None = None, *, level: int = logging.INFO) -> Path:
    """Send the program's log records to a rotating file (1 MB, five old files); returns it."""
    # Imported here: logging.handlers costs start-up 20 ms, and the file is opened after the
    # first paint (app.main).
    from logging.handlers import RotatingFileHandler

    path = path or settings.log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return path


def log_unexpected(
    kind: type[BaseException], exc: BaseException, traceback: TracebackType | None
) -> None:
    """Write an exception nobody caught (a bug) with its traceback to the log."""
    logging.getLogger(LOGGER_NAME).error(
        "Unexpected error: %s", exc, exc_info=(kind, exc, traceback)
    )
