"""The letterhead's logo and the signatory's signature are shown, read and refused alike."""

from __future__ import annotations

from PIL import Image

from usrg_desktop.views.form_feedback import error_label
from usrg_desktop.views.image_field import read_image, show_image


def test_an_image_is_shown_small_and_bytes_that_are_not_one_say_so(qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    show_image(label, None, height=36, empty="No logo")
    assert label.text() == "No logo"
    show_image(label, b"not an image", height=36, empty="No logo")
    assert label.text() == "(the image cannot be shown)"
    path = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (0, 96, 107)).save(path)
    show_image(label, path.read_bytes(), height=36, empty="No logo")
    assert label.pixmap().height() == 36 and label.pixmap().width() == 108


def test_a_file_that_cannot_be_read_is_named_under_the_fields(qtbot, tmp_path):
    error = error_label("error")
    qtbot.addWidget(error)
    missing = tmp_path / "nowhere" / "signature.png"
    assert read_image(missing, what="signature", error=error) is None
    assert error.text() == (
        f"The signature file {missing} cannot be read (No such file or directory)."
    )
    path = tmp_path / "signature.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert read_image(path, what="signature", error=error) == b"\x89PNG\r\n\x1a\n"
