"""A batch of letters as one PDF to print in one go: duplex-safe, titled, one bookmark a letter.

On a duplex printer a letter of an odd number of pages would leave the next recipient's first
page on the back of its last sheet; with `duplex` a blank page follows such a letter, so every
letter starts on the front of a sheet and can be handed out alone. The file's creation date is
the day the letters were issued, so merging the same letters again gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)


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
    """The letters in order in one PDF, each starting on a front page when `duplex`.

    PDFium copies the pages (many times faster than pypdf on a batch of letters); the title,
    the dates and one bookmark per letter are then added as an incremental update.
    """
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    starts: list[int] = []
    try:
        for part in parts:
            source = pdfium.PdfDocument(part.pdf)
            try:
                starts.append(len(merged))
                merged.import_pages(source)
                count = len(source)
                if duplex and count % 2 == 1:
                    width, height = source[count - 1].get_size()
                    merged.new_page(width, height)
            finally:
                source.close()
        buffer = io.BytesIO()
        merged.save(buffer)
    finally:
        merged.close()
    info = {
        "/Title": title,
        "/Author": author,
        "/Creator": "USRG Desktop",
        "/Producer": "USRG Desktop",
        "/CreationDate": pdf_date(created_on),
        "/ModDate": pdf_date(created_on),
    }
    marks = [(part.bookmark, start) for part, start in zip(parts, starts, strict=True)]
    return _with_outline(_fixed_id(buffer.getvalue()), marks, info)


_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")


def _fixed_id(pdf: bytes) -> bytes:
    """PDFium writes a random file id: make it a digest of the content (same length, so no
    offset moves), so the same letters merge to the same bytes."""
    # The id is in the trailer, at the end: look there first (a regex over a 500-letter file
    # took longer than the digest).
    last = _last_id(pdf)
    if last is None:
        return pdf
    digest = hashlib.md5(pdf[: last.start()], usedforsecurity=False).hexdigest().upper().encode()
    return pdf[: last.start(1)] + digest + b"><" + digest + pdf[last.end(2) :]


def _last_id(pdf: bytes) -> re.Match[bytes] | None:
    tail = max(0, len(pdf) - 4096)
    found = list(_ID.finditer(pdf, tail)) or list(_ID.finditer(pdf))
    return found[-1] if found else None


def _serialised(obj: PdfObject) -> bytes:
    stream = io.BytesIO()
    obj.write_to_stream(stream)
    return stream.getvalue()


def _page_references(reader: PdfReader) -> Callable[[int], IndirectObject]:
    """The object reference of the merged PDF's page at an index.

    PDFium puts every page it imports straight under the root of the page tree: then the
    root's /Kids are the pages in order and only the pages asked for are read (walking the
    whole tree read every page of a 500-letter batch, a third of the merge's time). Any other
    tree is walked."""
    root = reader.trailer["/Root"]
    tree = root.get("/Pages") if isinstance(root, DictionaryObject) else None
    tree = tree.get_object() if tree is not None else None
    kids = tree.get("/Kids") if isinstance(tree, DictionaryObject) else None
    flat: list[IndirectObject] = []
    if (
        isinstance(tree, DictionaryObject)
        and isinstance(kids, ArrayObject)
        and len(kids) == tree.get("/Count")
        and all(isinstance(kid, IndirectObject) for kid in kids)
    ):
        flat = list(kids)

    def reference(page: int) -> IndirectObject:
        if len(flat) > page:
            kid = flat[page].get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/Page":
                return flat[page]
        target = reader.pages[page].indirect_reference
        if target is None:  # a page read from a file always has its object number
            raise ValueError(f"Page {page + 1} of the merged PDF has no object number.")
        return target

    return reference


def _with_outline(pdf: bytes, marks: list[tuple[str, int]], info: dict[str, str]) -> bytes:
    """`pdf` with an incremental update: the document information, a bookmark per mark
    (title, first page index) and a catalogue that opens with the bookmarks shown."""
    reader = PdfReader(io.BytesIO(pdf))
    size_entry = reader.trailer["/Size"]
    if not isinstance(size_entry, NumberObject):
        raise ValueError("The merged PDF's trailer has no /Size number.")
    size = int(size_entry)
    root_ref = reader.trailer.raw_get("/Root")
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    outlines = size
    items = list(range(size + 1, size + 1 + len(marks)))
    info_number = size + 1 + len(marks)
    objects: dict[int, bytes] = {}
    if marks:
        objects[outlines] = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
            items[0],
            items[-1],
            len(marks),
        )
    page_refs = _page_references(reader)
    for n, ((text, page), number) in enumerate(zip(marks, items, strict=True)):
        target = page_refs(page)
        entry = [
            b"/Title " + _serialised(TextStringObject(text)),
            b"/Parent %d 0 R" % outlines,
            b"/Dest [%d %d R /Fit]" % (target.idnum, target.generation),
        ]
        if n > 0:
            entry.append(b"/Prev %d 0 R" % items[n - 1])
        if n < len(items) - 1:
            entry.append(b"/Next %d 0 R" % items[n + 1])
        objects[number] = b"<< " + b" ".join(entry) + b" >>"
    objects[info_number] = _serialised(
        DictionaryObject({NameObject(k): TextStringObject(v) for k, v in info.items()})
    )
    root = reader.trailer["/Root"]
    if not isinstance(root, DictionaryObject):
        raise ValueError("The merged PDF's trailer has no /Root catalogue.")
    catalogue = DictionaryObject(root)
    if marks:
        catalogue[NameObject("/Outlines")] = IndirectObject(outlines, 0, reader)
        catalogue[NameObject("/PageMode")] = NameObject("/UseOutlines")
    objects[root_ref.idnum] = _serialised(catalogue)
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    # The table starts with the free list's head (object 0), as readers expect.
    numbers = [0, *sorted(offsets)]
    while numbers:
        run = [numbers.pop(0)]
        while numbers and numbers[0] == run[-1] + 1:
            run.append(numbers.pop(0))
        out += b"%d %d\n" % (run[0], len(run))
        for number in run:
            if number == 0:
                out += b"0000000000 65535 f \n"
                continue
            generation = root_ref.generation if number == root_ref.idnum else 0
            out += b"%010d %05d n \n" % (offsets[number], generation)
    file_id = _last_id(pdf)
    id_part = b" /ID [<%s><%s>]" % file_id.groups() if file_id else b""
    out += b"trailer\n<< /Size %d /Root %d %d R /Info %d 0 R /Prev %d%s >>\n" % (
        info_number + 1,
        root_ref.idnum,
        root_ref.generation,
        info_number,
        previous,
        id_part,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
