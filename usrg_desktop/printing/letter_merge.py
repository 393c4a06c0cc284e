"""A batch of letters as one PDF to print in one go: duplex-safe, titled, one bookmark a letter.

On a duplex printer a letter of an odd number of pages would leave the next recipient's first
page on the back of its last sheet; with `duplex` a blank page follows such a letter, so every
letter starts on the front of a sheet and can be handed out alone. The file's creation date is
the day the letters were issued, so merging the same letters again gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader, PdfWriter


@dataclass(frozen=True)
class MergePart:
    """One letter of the batch: its bookmark text and its PDF."""

    bookmark: str
    pdf: bytes


def pdf_date(day: date) -> str:
    """A day in the PDF date format, midnight South African time (UTC+02:00)."""
    return f"D:{day:%Y%m%d}000000+02'00'"


def merged_letters_pdf(
    parts: Sequence[MergePart],
    *,
    title: str,
    created_on: date,
    duplex: bool = True,
    author: str = "USRG Secretariat",
) -> bytes:
    """The letters in order in one PDF, each starting on a front page when `duplex`."""
    writer = PdfWriter()
    for part in parts:
        reader = PdfReader(io.BytesIO(part.pdf))
        first = len(writer.pages)
        for page in reader.pages:
            writer.add_page(page)
        writer.add_outline_item(title=part.bookmark, page_number=first)
        if duplex and len(reader.pages) % 2 == 1:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(width=float(box.width), height=float(box.height))
    writer.add_metadata(
        {
            "/Title": title,
            "/Author": author,
            "/Creator": "USRG Desktop",
            "/CreationDate": pdf_date(created_on),
            "/ModDate": pdf_date(created_on),
        }
    )
    writer.page_mode = "/UseOutlines"
    # A fixed file id: the same letters merged again give the same bytes.
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
