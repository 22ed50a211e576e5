"""The `wipestation.stock.labels` entry point: shelf labels as a PDF (reportlab).

Two formats: `roll62`, a 62 mm continuous roll (Brother DK-22205 and the like), one 62 x 40 mm
label per page; `a4`, A4 sheets of 3 x 8 adhesive labels of 70 x 37 mm (Avery 3474, Herma 4453).
Each label: a QR code with the record id and serial, the record, the serial, the customer number
(never the name), the due date and the location. Drawn only from the `LabelData` the core filled.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from certificates.qr import qr_matrix
from certificates.render import draw_qr_modules
from wipestation.common.errors import BadValue
from wipestation.common.i18n import _
from wipestation.common.units import format_capacity
from wipestation.stock.labels import FORMATS, LabelData

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
PADDING = 2 * mm


@dataclass(frozen=True)
class Sheet:
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    left: float  # page margin to the first column
    top: float  # page margin to the first row
    qr_size: float
    font_size: float


SHEETS = {
    "roll62": Sheet(62 * mm, 40 * mm, 62 * mm, 40 * mm, 1, 1, 0, 0, 30 * mm, 7.5),
    "a4": Sheet(A4[0], A4[1], 70 * mm, 37 * mm, 3, 8, 0, 0.5 * mm, 29 * mm, 7.5),
}
assert set(SHEETS) == set(FORMATS)


def _text(value: object) -> str:
    """NFKC, printable, and within the Latin-1 range the standard font can draw."""
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "...", font, size) > width:
        text = text[:-1]
    return text + "..."


QR_QUIET = 2  # modules of quiet zone around the code, inside its square
QR_MASK = 2


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code's modules (error correction M). One fixed mask pattern: any of the eight is valid
    (the code says which), and trying all eight made a sheet of labels several times slower."""
    return qr_matrix(payload, QR_MASK)


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """The code as one path of dark runs, with its quiet zone, in a `size` square at (x, y)."""
    modules = qr_modules(payload)
    count = len(modules)
    box = size / (count + 2 * QR_QUIET)
    left, top = x + QR_QUIET * box, y + size - QR_QUIET * box
    canvas.setFillColorRGB(0, 0, 0)
    draw_qr_modules(canvas, modules, left, top, box)


def _draw_label(canvas: Canvas, sheet: Sheet, data: LabelData, x: float, y: float) -> None:
    """One label with its bottom-left corner at (x, y)."""
    qr = sheet.qr_size
    _draw_qr(canvas, data.code, x + PADDING / 2, y + (sheet.label_height - qr) / 2, qr)
    text_x = x + PADDING / 2 + qr + PADDING / 2
    width = x + sheet.label_width - PADDING - text_x
    size = sheet.font_size
    leading = size * 1.25
    cursor = y + sheet.label_height - PADDING - size
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(FONT_BOLD, size + 1.5)
    canvas.drawString(text_x, cursor, _fit(f"#{data.record_id} {data.kind}", FONT_BOLD, size + 1.5, width))
    cursor -= leading + 1.5
    lines: list[tuple[str, str]] = []
    for part in simpleSplit(_text(data.serial), FONT, size, width)[:2]:
        lines.append((FONT, part))
    model = " ".join(p for p in (data.model, format_capacity(data.capacity_bytes)) if p)
    if model:
        lines.append((FONT, _fit(_text(model), FONT, size, width)))
    owner = "shop's own drive" if data.customer_id is None else f"customer {data.customer_id}"
    lines.append((FONT, owner))
    lines.append((FONT_BOLD, f"due {data.due_on.isoformat()}"))
    if data.location:
        lines.append((FONT, _fit(_text(f"at {data.location}"), FONT, size, width)))
    for font, line in lines:
        if cursor < y + PADDING / 2:
            break
        canvas.setFont(font, size)
        canvas.drawString(text_x, cursor, line)
        cursor -= leading


def render_labels(labels: Sequence[LabelData], label_format: str) -> bytes:
    """A PDF of the labels, in order: one per page on the roll, 24 per A4 sheet."""
    if label_format not in SHEETS:
        raise BadValue(
            _("unknown label format '{text}' (one of {formats})").format(text=label_format, formats=", ".join(SHEETS))
        )
    if not labels:
        raise BadValue(_("no labels to print"))
    sheet = SHEETS[label_format]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(sheet.page_width, sheet.page_height), invariant=True)
    canvas.setTitle("wipestation shelf labels")
    canvas.setCreator("wipestation")
    per_page = sheet.columns * sheet.rows
    for index, data in enumerate(labels):
        slot = index % per_page
        if index and slot == 0:
            canvas.showPage()
        column, row = slot % sheet.columns, slot // sheet.columns
        x = sheet.left + column * sheet.label_width
        y = sheet.page_height - sheet.top - (row + 1) * sheet.label_height
        _draw_label(canvas, sheet, data, x, y)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
