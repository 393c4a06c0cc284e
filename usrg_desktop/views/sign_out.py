"""File ▸ Sign out / switch user…: hand the program to someone else without quitting it.

The open screens close first (each asks about unsaved changes as on Quit); then nobody is
signed in, the lists are dropped, and the sign-in dialog asks who is acting. Cancel there quits
the program, as Cancel at start-up does: nobody stays signed in by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from .sign_in import SignInDialog
from .unsaved import guard_of

if TYPE_CHECKING:
    from .main_window import MainWindow


def sign_out(window: MainWindow) -> SignInDialog | None:
    """Close the screens (asking about unsaved work), sign out, and ask who signs in next.

    Returns the sign-in dialog (None while a screen still asks about its unsaved changes; the
    sign-out goes on once that is answered with Save or Discard)."""
    for screen in list(window.open_windows().values()):
        if not screen.isVisible() or screen.close():
            continue
        guard = guard_of(screen)
        if guard is not None:

            def answered(went_on: bool, guard=guard) -> None:
                guard.answered.disconnect(answered)
                if went_on:
                    sign_out(window)

            guard.answered.connect(answered)
        return None
    previous = window.actor
    window.set_actor(None)
    dialog = SignInDialog(window.db, settings=window.settings(), parent=window)
    dialog.setObjectName("signInAgain")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if previous is not None:
        dialog.setWindowTitle(f"Signed out {previous.name} — sign in")

    def finished(result: int) -> None:
        if result == QDialog.DialogCode.Accepted and dialog.actor is not None:
            window.set_actor(dialog.actor)
            window.statusBar().showMessage(f"Signed in as {dialog.actor.name}.", 10_000)
        else:
            window.close()  # nobody signed in: the program ends, as at start-up

    dialog.finished.connect(finished)
    window.sign_in_dialog = dialog
    dialog.open()
    return dialog
