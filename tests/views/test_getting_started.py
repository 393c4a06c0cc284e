"""The first-run guide of a new database: what to set up, ticked as it is done, each step
opening its own screen; Help ▸ Getting started brings it back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from usrg_desktop import storage
from usrg_desktop.views.getting_started import GettingStartedWindow, open_if_new
from usrg_desktop.views.letters_view import LetterheadEditor
from usrg_desktop.views.main_window import MainWindow
from usrg_desktop.views.rounds_view import RoundDialog
from usrg_desktop.workflows.letters.letter_signatory import current_signatory
from usrg_desktop.workflows.system import getting_started as gs
from usrg_desktop.workflows.system.accounts import create_first_administrator
from usrg_desktop.workflows.system.dates import utc_now


def _new_database(tmp_path, qtbot, settings):
    db = storage.open_database(tmp_path / "new.sqlite3", create=True)
    with db.unit_of_work() as session:
        actor = create_first_administrator(
            session,
            username="thandi",
            display_name="Thandi Nkosi",
            password="a long enough password",
            now=utc_now(),
        )
    window = MainWindow(db, settings=settings, actor=actor)
    qtbot.addWidget(window)
    window.show()
    return db, window


def test_a_new_database_opens_the_guide_and_steps_tick_as_they_are_done(qtbot, tmp_path, settings):
    db, window = _new_database(tmp_path, qtbot, settings)
    try:
        guide = open_if_new(window)
        assert isinstance(guide, GettingStartedWindow)
        states = {key: label.text() for key, label in guide.states.items()}
        assert states == {
            gs.FIRST_ADMINISTRATOR: "✓ Done",
            gs.LETTERHEAD: "○ To do",
            gs.SIGNATORY: "○ To do",
            gs.ORGANISATIONS: "○ To do",
            gs.FIRST_ROUND: "○ To do",
        }
        assert guide.summary.text() == "4 of 5 steps left."
        assert guide.buttons[gs.LETTERHEAD].isDefault()

        # The letterhead button opens the letterhead and signatory screen.
        qtbot.mouseClick(guide.buttons[gs.SIGNATORY], Qt.MouseButton.LeftButton)
        editors = [w for w in window.open_windows().values() if isinstance(w, LetterheadEditor)]
        assert len(editors) == 1
        panel = editors[0].signatory
        panel.name.setText("Nomsa Dlamini")
        panel.designation.setText("Executive Manager: Programmes")
        panel.save()
        with db.unit_of_work() as session:
            assert current_signatory(session) is not None
        guide.refresh()
        assert guide.states[gs.SIGNATORY].text() == "✓ Done"
        assert guide.sentences[gs.SIGNATORY].text() == "Letters are signed by Nomsa Dlamini."
        assert guide.summary.text() == "3 of 5 steps left."

        # New round… opens the round form in the Rounds area.
        qtbot.mouseClick(guide.buttons[gs.FIRST_ROUND], Qt.MouseButton.LeftButton)
        assert window.current_area() == "Rounds"
        dialogs = [w for w in window.findChildren(RoundDialog) if w.isVisible()]
        assert len(dialogs) == 1
        dialogs[0].reject()
        qtbot.mouseClick(guide.buttons[gs.ORGANISATIONS], Qt.MouseButton.LeftButton)
        assert window.current_area() == "Directory"
    finally:
        window.close()
        db.dispose()


def test_a_database_with_rounds_does_not_open_the_guide_but_help_brings_it(main_window):
    assert open_if_new(main_window) is None
    main_window.command_actions["getting_started"].trigger()
    guides = [w for w in main_window.open_windows().values() if isinstance(w, GettingStartedWindow)]
    assert len(guides) == 1
    assert guides[0].states[gs.FIRST_ROUND].text() == "✓ Done"
    menus = [a.text() for a in main_window.menuBar().actions()]
    assert menus[-1] == "&Help"
