"""A bug in a slot is written to the log file with its traceback and shown naming that file."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtWidgets import QPushButton

from tests.views.conftest import answer_modal
from usrg_desktop import diagnostics
from usrg_desktop.views import unexpected_errors


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown(qtbot, tmp_path):
    log = diagnostics.start_logging(tmp_path / "logs" / "usrg.log")
    previous = sys.excepthook
    unexpected_errors.install(log)
    try:
        button = QPushButton("Break")
        qtbot.addWidget(button)

        def broken_slot() -> None:
            raise RuntimeError("the tranche table went missing")

        button.clicked.connect(broken_slot)
        seen = answer_modal("OK")
        button.click()
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    finally:
        sys.excepthook = previous
        logger = logging.getLogger(diagnostics.LOGGER_NAME)
        for handler in list(logger.handlers):
            handler.close()
            logger.removeHandler(handler)
    assert "the tranche table went missing" in seen[0] and str(log) in seen[0]
    text = log.read_text(encoding="utf-8")
    assert "ERROR usrg_desktop: Unexpected error: the tranche table went missing" in text
    assert "Traceback (most recent call last)" in text and "in broken_slot" in text
