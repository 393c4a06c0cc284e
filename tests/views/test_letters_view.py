"""Letters on screen: the template editor refuses an unknown placeholder with its sentence in
view, the batch dialog issues a round's letters with progress (and Cancel), and a registered
letter opens in the preview, printable."""

from __future__ import annotations

import io
import re
import threading

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QProgressBar

from usrg_desktop import clock
from usrg_desktop.views import letters_issue
from usrg_desktop.views import letters_view as lv
from usrg_desktop.views.pdf_preview import PdfPreview
from usrg_desktop.workflows import Actor


@pytest.fixture
def window(main_window, demo_db):
    user_id = demo_db.rows("SELECT id FROM users WHERE username = 'secretariat'")[0][0]
    main_window.actor = Actor(user_id, "Lerato Mofokeng", "secretariat")
    return main_window


def versions(db, kind: str) -> list[int]:
    rows = db.rows(
        "SELECT version FROM letter_templates WHERE kind = :k ORDER BY version", {"k": kind}
    )
    return [r[0] for r in rows]


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_template_editor_refuses_an_unknown_placeholder_with_the_sentence_in_view(
    qtbot, window, demo_db
):
    editor = lv.letter_templates(window)
    qtbot.waitExposed(editor)
    editor.kind_box.setCurrentIndex(editor.kind_box.findData("decline"))
    before = versions(demo_db, "decline")
    editor.body.setFocus()
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.body, "We enclose {feedbak}.")
    assert editor.error.isVisible()  # checked as the user types
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.error.isVisible()
    assert editor.error.text().startswith(
        "The placeholder {feedbak} is not known; known placeholders: {applicant_name}"
    )
    assert "{feedback}" in editor.error.text()
    assert versions(demo_db, "decline") == before

    # Fix it by inserting the right placeholder from the list, then save: a new version.
    for _ in range(len("{feedbak}.")):
        qtbot.keyClick(editor.body, Qt.Key.Key_Backspace)
    item = next(
        editor.placeholders.item(i)
        for i in range(editor.placeholders.count())
        if editor.placeholders.item(i).text() == "{round_name}"
    )
    editor.placeholders.itemActivated.emit(item)
    qtbot.keyClicks(editor.body, ".")
    assert editor.body.toPlainText().endswith("We enclose {round_name}.")
    assert not editor.error.isVisible()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert versions(demo_db, "decline") == [*before, before[-1] + 1]
    assert editor.status.text() == f"Saved as version {before[-1] + 1}."
    assert editor.history.topLevelItemCount() == len(before) + 1
    # The live preview shows the text as the letter prints it, for the sample application.
    qtbot.waitUntil(
        lambda: "We enclose Innovation Fund 2026 Round 1." in pdf_text(editor.preview.pdf())
    )
    assert "Ms Ṱhalitshani Ṋemaṅḽa" in pdf_text(editor.preview.pdf())
    assert editor.preview.page_label.text() == "Page 1 of 1"


def approved_round(db) -> int:
    return db.rows("SELECT round_id FROM applications WHERE state = 'approved' LIMIT 1")[0][0]


def test_batch_dialog_issues_the_rounds_letters_with_progress(qtbot, window, demo_db, tmp_path):
    dialog = lv.issue_letters_for_round(window)
    qtbot.waitExposed(dialog)
    rnd = approved_round(demo_db)
    dialog.round_box.setCurrentIndex(dialog.round_box.findData(rnd))
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("award"))
    approved = demo_db.rows(
        "SELECT COUNT(*) FROM applications WHERE state = 'approved' AND round_id = :r", {"r": rnd}
    )[0][0]
    assert dialog.needed.text() == (
        f"{approved} applications need award letters; {approved} ticked to issue now."
    )
    # No folder yet: the sentence shows next to the field and nothing happens.
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert dialog.folder_error.isVisible() and dialog.folder_error.text() == (
        "Choose a folder for the letters."
    )
    qtbot.keyClicks(dialog.folder, str(tmp_path / "letters"))
    merged = dialog.merged_path()
    assert merged.parent == tmp_path / "letters"
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)

    report = lv.last_report[0]
    assert report is not None
    assert report.text() == (
        f"Issued {approved} award letters into {tmp_path / 'letters'}. All of them are in one "
        f"file to print: {merged.name}."
    )
    assert len(list((tmp_path / "letters").glob("*AWD.pdf"))) == approved
    assert (
        demo_db.rows(
            "SELECT COUNT(*) FROM applications WHERE state = 'awarded' AND round_id = :r",
            {"r": rnd},
        )[0][0]
        >= approved
    )
    # "Preview and print…" opens the merged PDF.
    preview_button = next(b for b in report.buttons() if b.text() == "Preview and print…")
    preview_button.click()
    preview = window.open_windows()[("pdf", str(merged))]
    assert preview.page_count() == len(PdfReader(merged).pages)
    report.close()


def test_batch_cancelled_keeps_the_finished_letters(qtbot, window, demo_db, tmp_path):
    rnd = demo_db.rows("SELECT round_id FROM applications WHERE state = 'submitted' LIMIT 1")[0][
        0
    ]  # the round with many applications to acknowledge
    seen = {}

    def cancel_after_first(dialog):
        dialog.setMinimumDuration(0)
        bar = dialog.findChild(QProgressBar)
        seen["dialog"] = dialog

        def on_value(value):
            seen["max"] = dialog.maximum()
            seen.setdefault("threads", set()).add(threading.current_thread().name)
            if value >= 1:
                dialog.cancel()

        bar.valueChanged.connect(on_value)

    outcome = lv.run_batch(
        window,
        round_id=rnd,
        kind="acknowledgement",
        folder=tmp_path,
        merged=None,
        on_dialog=cancel_after_first,
        every_submitted=True,  # screened and decided ones too: enough to cancel halfway
    )
    assert outcome.cancelled
    # Progress reaches the dialog in the GUI thread, never in the worker's.
    assert seen["threads"] == {threading.main_thread().name}
    issued = demo_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0]
    assert 1 <= issued < seen["max"]
    assert len(list(tmp_path.glob("*.pdf"))) == issued
    text = lv.last_report[0].text()
    assert text.startswith(f"Cancelled. The {issued} letter")
    lv.last_report[0].close()


def test_register_opens_a_letter_identical_to_the_issued_one_and_prints_it(
    qtbot, window, demo_db, tmp_path
):
    from usrg_desktop.workflows.letters import issuing as wl
    from usrg_desktop.workflows.letters import letter_batch
    from usrg_desktop.workflows.system.dates import utc_now

    rnd = approved_round(demo_db)
    result = None
    work = letter_batch.issue_letters_for_round(
        demo_db, round_id=rnd, kind="award", actor=window.actor, now=utc_now(), out_dir=tmp_path
    )
    try:
        while True:
            next(work)
    except StopIteration as stop:
        result = stop.value
    listing = wl.letter_register_listing(demo_db)
    preview = lv.open_letter(window, listing.ids[0])
    assert isinstance(preview, PdfPreview)
    issued_file = tmp_path / (listing.rows[0][0].replace("/", "-") + ".pdf")
    assert issued_file in result.files
    assert preview.pdf() == issued_file.read_bytes()
    assert preview.page_label.text() == f"Page 1 of {preview.page_count()}"
    qtbot.keyClick(preview.scroll, Qt.Key.Key_PageDown)
    assert preview.current_page() == min(1, preview.page_count() - 1)

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == preview.page_count()
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == preview.page_count()


def test_letters_menu_and_register_window(qtbot, window, demo_db, tmp_path):
    from usrg_desktop.workflows.letters import letter_batch
    from usrg_desktop.workflows.system.dates import utc_now

    menu_texts = [a.text() for a in window.menu("Letters").actions()]
    assert menu_texts == [
        "&Issue letters for round…",
        "Letter &templates…",
        "Letter &register…",
        "Letter&head…",
        "E-mail message te&mplates…",
    ]
    window.command_actions["letter_register"].trigger()
    register = window.open_windows()["letter_register"]
    assert register.model.rowCount() == 0
    list(
        letter_batch.issue_letters_for_round(
            demo_db,
            round_id=approved_round(demo_db),
            kind="award",
            actor=window.actor,
            now=utc_now(),
            out_dir=tmp_path,
        )
    )
    register.reload()
    assert register.model.rowCount() == len(list(tmp_path.glob("*.pdf")))
    register.table.selectRow(0)
    register.table.setFocus()
    qtbot.keyClick(register.table, Qt.Key.Key_Return)
    letter_id = register.current_id()
    preview = window.open_windows()[("letter", letter_id)]
    assert preview.pdf()[:5] == b"%PDF-"


def test_letterhead_editor_previews_saves_and_refuses_a_bad_logo(
    qtbot, main_window, demo_db, tmp_path
):
    from PIL import Image

    admin = demo_db.rows("SELECT id FROM users WHERE username = 'admin'")[0][0]
    main_window.actor = Actor(admin, "Administrator", "administrator")
    editor = lv.letterhead(main_window)
    qtbot.waitExposed(editor)
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "SACN Urban Safety Reference Group - Msunduzi office")
    bad = tmp_path / "logo.gif"
    bad.write_bytes(b"GIF89a....")
    assert editor.set_logo_file(bad)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert (
        editor.error.isVisible() and editor.error.text() == "The logo must be a PNG or JPEG image."
    )
    assert demo_db.rows("SELECT logo_png IS NULL FROM letterheads WHERE active")[0][0]

    good = tmp_path / "logo.png"
    Image.new("RGB", (300, 90), (0, 96, 107)).save(good)
    editor.set_logo_file(good)
    qtbot.waitUntil(lambda: len(PdfReader(io.BytesIO(editor.preview.pdf())).pages[0].images) == 1)
    assert "Msunduzi office" in pdf_text(editor.preview.pdf())
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert not editor.error.isVisible()
    name, has_logo = demo_db.rows(
        "SELECT name, logo_png IS NOT NULL FROM letterheads WHERE active"
    )[0]
    assert name == "SACN Urban Safety Reference Group - Msunduzi office" and has_logo


def test_a_decided_round_asks_first_and_no_issues_nothing(
    qtbot, window, demo_db, tmp_path, monkeypatch
):
    rnd = demo_db.rows("SELECT id FROM rounds WHERE status = 'decided' LIMIT 1")[0][0]
    asked = []

    def answer(yes):
        def confirm(_parent, _title, question, *, yes_label="", **_kw):
            asked.append(question)
            return yes

        return confirm

    monkeypatch.setattr(letters_issue, "confirm_batch", answer(False))
    outcome = lv.run_batch(
        window, round_id=rnd, kind="award", folder=tmp_path, merged=None, every_submitted=False
    )
    assert outcome.cancelled and asked and "is decided already" in asked[0]
    assert demo_db.rows("SELECT COUNT(*) FROM issued_letters")[0][0] == 0
    monkeypatch.setattr(letters_issue, "confirm_batch", answer(True))
    outcome = lv.run_batch(window, round_id=rnd, kind="award", folder=tmp_path, merged=None)
    assert outcome.ok
    issued = demo_db.rows("SELECT COUNT(*) FROM issued_letters WHERE kind = 'award'")[0][0]
    assert issued >= 1 and len(list(tmp_path.glob("*-AWD.pdf"))) == issued
    lv.last_report[0].close()


def test_the_every_submitted_choice_shows_for_acknowledgements_only(qtbot, window):
    dialog = lv.issue_letters_for_round(window)
    qtbot.addWidget(dialog)
    kinds = [dialog.kind_box.itemData(i) for i in range(dialog.kind_box.count())]
    dialog.kind_box.setCurrentIndex(kinds.index("acknowledgement"))
    assert not dialog.every_submitted.isHidden()
    before = dialog.needed.text()
    dialog.every_submitted.setChecked(True)
    assert dialog.needed.text() != before  # more applications once screened ones count
    dialog.kind_box.setCurrentIndex(kinds.index("award"))
    assert dialog.every_submitted.isHidden() and not dialog.wants_every_submitted()
    dialog.close()


def test_the_letterhead_screen_sets_who_signs(qtbot, main_window, demo_db, tmp_path):
    from PIL import Image

    from usrg_desktop.views.operations import read
    from usrg_desktop.workflows.letters import letter_signatory

    # The secretariat sees the signatory but cannot change it.
    clerk = demo_db.rows("SELECT id FROM users WHERE username = 'secretariat'")[0][0]
    main_window.actor = Actor(clerk, "Lerato Mofokeng", "secretariat")
    editor = lv.letterhead(main_window)
    assert not editor.signatory.save_button.isEnabled()
    assert not editor.signatory.name.isEnabled()
    editor.close()
    admin = demo_db.rows("SELECT id FROM users WHERE username = 'admin'")[0][0]
    main_window.actor = Actor(admin, "Administrator", "administrator")
    editor = lv.letterhead(main_window)
    panel = editor.signatory
    qtbot.keyClicks(panel.name, "Nomvula Dlamini")
    qtbot.keyClicks(panel.designation, "USRG Coordinator")
    image = tmp_path / "signature.png"
    Image.new("RGB", (200, 60), (255, 255, 255)).save(image)
    assert panel.set_image_file(image)
    assert editor.has_unsaved_changes()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert not editor.has_unsaved_changes() and panel.error.text() == ""
    saved = read(demo_db, letter_signatory.current_signatory)
    assert (saved.name, saved.designation) == ("Nomvula Dlamini", "USRG Coordinator")
    assert saved.signature_png == image.read_bytes()
    # The preview is signed by the signatory just saved.
    assert "Nomvula Dlamini USRG Coordinator" in pdf_text(editor.preview.pdf())
    panel.name.clear()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.error.text() == "Give the signatory's name with the designation and signature."
    assert read(demo_db, letter_signatory.current_signatory).name == "Nomvula Dlamini"
    panel.name.setText("Nomvula Dlamini")
    editor.close()


def test_an_administrator_sets_the_report_dates_on_the_letterhead_screen(
    qtbot, main_window, demo_db
):
    from usrg_desktop.views.operations import read
    from usrg_desktop.workflows.awards import project_dates

    admin = demo_db.rows("SELECT id FROM users WHERE username = 'admin'")[0][0]
    main_window.actor = Actor(admin, "Administrator", "administrator")
    editor = lv.letterhead(main_window)
    panel = editor.award_dates
    assert (panel.interim.value(), panel.final.value()) == (0, 30)
    panel.final.setValue(45)
    panel.interim.setValue(14)
    assert editor.has_unsaved_changes()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert not editor.has_unsaved_changes()
    assert read(demo_db, project_dates.date_rules) == project_dates.DateRules(14, 45)
    editor.close()


def test_the_batch_shows_its_letters_first_and_issues_only_those_ticked(
    qtbot, window, demo_db, tmp_path
):
    dialog = lv.issue_letters_for_round(window)
    qtbot.waitExposed(dialog)
    rnd = approved_round(demo_db)
    dialog.round_box.setCurrentIndex(dialog.round_box.findData(rnd))
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("award"))
    listed = dialog.chosen_list.count()
    assert listed >= 2
    # The first application's letter, as it would print, before anything is issued.
    preview = dialog.preview_current()
    assert preview is not None
    first_ref = dialog.chosen_list.item(0).text().split(" — ")[0]
    shown = pdf_text(preview.pdf()).replace("\u2011", "-")  # references print unbroken
    assert first_ref in shown, shown[:300]
    preview.close()
    # Untick every letter but the first: the count follows, and only that one is issued.
    for n in range(1, listed):
        dialog.chosen_list.item(n).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.needed.text().endswith("; 1 ticked to issue now.")
    qtbot.keyClicks(dialog.folder, str(tmp_path / "letters"))
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    assert len(list((tmp_path / "letters").glob("*AWD.pdf"))) == 1
    issued = demo_db.rows(
        "SELECT a.reference FROM issued_letters l JOIN applications a ON a.id = l.application_id "
        "WHERE l.kind = 'award' AND a.round_id = :r AND l.issued_on = :d",
        {"r": rnd, "d": clock.today().isoformat()},
    )
    assert [r[0] for r in issued] == [first_ref]
