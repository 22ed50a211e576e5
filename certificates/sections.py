"""The story's building blocks: the label/value section table, the result banner, the customer and
the drive, the attestation, authenticity and how-to-check parts. Built only from the frozen
`CertificateData` the core filled; the erasure and destruction pages add their own sections."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import unescape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.tables import TableStyle

from certificates.fonts import clean
from certificates.layout import (
    ACCENT,
    BAND_GREY,
    CELL_PADDING,
    CONTENT_WIDTH,
    EXCEPTIONS_AMBER,
    FAILED_RED,
    LABEL_WIDTH,
    PASSED_GREEN,
    RULE_GREY,
    VALUE_WIDTH,
    Styles,
)
from certificates.texts import TEXTS, fmt_bytes, fmt_date, fmt_datetime, fmt_int, local_date, t, term
from wipestation.documents.certify import ANONYMISED, CertificateData

PAIR_LABEL_WIDTH = 34 * mm  # a paired section: label, value, label, value
PAIR_VALUE_WIDTH = CONTENT_WIDTH / 2 - PAIR_LABEL_WIDTH
WIDE = CONTENT_WIDTH - PAIR_LABEL_WIDTH

Row = tuple[str, str | None]  # (label text, value markup or None to leave out)


_FIXED_LIMIT = 512  # paragraphs kept; the fixed texts of both languages and a few shops fit


class FixedParagraph(Paragraph):  # type: ignore[misc]
    """A paragraph whose text is the same on many certificates (a heading, an explanation, the
    shop's name): parsed once and laid out once per width, then shared by every certificate this
    process renders (`render_unsigned` renders one at a time). Splitting it across pages splits a
    fresh copy, as a split changes the fragments it cuts."""

    def __init__(self, markup: str, style: ParagraphStyle) -> None:
        super().__init__(markup, style)
        self._markup = markup
        self._layouts: dict[float, tuple[Any, Any, float]] = {}
        self._own = frozenset(self.__dict__) | {"_own"}

    def reset(self) -> None:
        """Forget what the last document set on this paragraph (the layout marks a paragraph it
        moved on, and clears `keepWithNext` on headings it grouped with the next flowable)."""
        for key in [key for key in self.__dict__ if key not in self._own]:
            del self.__dict__[key]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        layout = self._layouts.get(availWidth)
        if layout is not None:
            self.width = availWidth
            self.blPara, self._wrapWidths, self.height = layout
            return availWidth, self.height
        width, height = super().wrap(availWidth, availHeight)
        if getattr(self, "width", None) == availWidth and hasattr(self, "blPara"):
            self._layouts[availWidth] = (self.blPara, self._wrapWidths, height)
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fresh = Paragraph(self._markup, self.style)
        fresh.wrap(availWidth, availHeight)
        return fresh.split(availWidth, availHeight)  # type: ignore[no-any-return]


_fixed: dict[tuple[str, str], FixedParagraph] = {}


def fixed(markup: str, style: ParagraphStyle) -> Paragraph:
    """The shared paragraph of a fixed text (see FixedParagraph); never one with a certificate's
    own values, which would fill the cache."""
    key = (markup, style.name)
    paragraph = _fixed.get(key)
    if paragraph is None:
        if len(_fixed) >= _FIXED_LIMIT:
            _fixed.clear()
        paragraph = _fixed[key] = FixedParagraph(markup, style)
    paragraph.reset()
    return paragraph


class Sections:
    """The parts every certificate has, and the table of label/value rows all sections use."""

    def __init__(
        self,
        data: CertificateData,
        lang: str,
        styles: Styles,
        signer: str,
        verify_url: str | None = None,
        sha256: str | None = None,
    ) -> None:
        self.d = data
        self.sha256 = sha256 or data.sha256()
        self.lang = lang
        self.s = styles
        self.signer = signer
        self.verify_url = verify_url

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def t_opt(self, key: str, **values: object) -> str | None:
        """A text of the catalogue, or None when it has none for this key."""
        return t(key, self.lang, **values) if key in TEXTS else None

    def v(self, value: object | None) -> str:
        """A user/device value as markup; "unknown" when missing."""
        return self.t("unknown") if value is None or value == "" else clean(value)

    def cell(self, markup: str, style: ParagraphStyle, width: float) -> Flowable | str:
        """A plain string when the text has no markup and fits on one line (a Paragraph costs ten
        times as much to lay out), else a Paragraph that wraps."""
        plain = "<" not in markup and "&" not in markup
        if plain and pdfmetrics.stringWidth(markup, style.fontName, style.fontSize) <= width - 2 * CELL_PADDING - 1:
            return markup
        return Paragraph(markup, style)

    def section(self, key: str, rows: Iterable[Row], *, paired: bool = False) -> list[Flowable]:
        """A heading and a table of label/value rows. `paired` sets two short rows side by side (a
        row whose value does not fit half the width keeps the whole width), which keeps a
        destruction's facts, statement and signature on page 1."""
        shown = [(label, value) for label, value in rows if value is not None]
        if paired:
            cells, spans = self._paired_cells(shown)
            widths = [PAIR_LABEL_WIDTH, PAIR_VALUE_WIDTH, PAIR_LABEL_WIDTH, PAIR_VALUE_WIDTH]
        else:
            cells = [
                [self.cell(clean(label), self.s.label, LABEL_WIDTH), self.cell(value, self.s.value, VALUE_WIDTH)]
                for label, value in shown
            ]
            spans, widths = [], [LABEL_WIDTH, VALUE_WIDTH]
        table = Table(cells, colWidths=widths, splitByRow=1, splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    *spans,
                    # plain string cells look like the Paragraph styles label and value
                    ("FONTNAME", (0, 0), (-1, -1), self.s.value.fontName),
                    ("FONTSIZE", (0, 0), (-1, -1), self.s.value.fontSize),
                    ("LEADING", (0, 0), (-1, -1), self.s.value.leading),
                    ("TEXTCOLOR", (0, 0), (0, -1), self.s.label.textColor),
                    *([("TEXTCOLOR", (2, 0), (2, -1), self.s.label.textColor)] if paired else []),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE_GREY),
                ]
            )
        )
        heading = fixed(clean(self.t(key)), self.s.section)
        return [heading, table]

    def _fits_half(self, value: str) -> bool:
        """A value without tags (escaped characters are fine) that fits one line of half a row."""
        if "<" in value:
            return False
        width = pdfmetrics.stringWidth(unescape(value), self.s.value.fontName, self.s.value.fontSize)
        return bool(width <= PAIR_VALUE_WIDTH - 2 * CELL_PADDING - 1)

    def _paired_cells(self, rows: list[tuple[str, str]]) -> tuple[list[list[Flowable | str]], list[Any]]:
        """Rows two by two in four columns, in their order; a long value spans the three columns
        right of its label (and the row before it stays alone)."""
        cells: list[list[Flowable | str]] = []
        spans: list[Any] = []
        half: list[Flowable | str] | None = None
        for label, value in rows:
            if not self._fits_half(value):
                cells.append(
                    [
                        self.cell(clean(label), self.s.label, PAIR_LABEL_WIDTH),
                        self.cell(value, self.s.value, WIDE),
                        "",
                        "",
                    ]
                )
                spans.append(("SPAN", (1, len(cells) - 1), (3, len(cells) - 1)))
                half = None
                continue
            pair = [
                self.cell(clean(label), self.s.label, PAIR_LABEL_WIDTH),
                self.cell(value, self.s.value, PAIR_VALUE_WIDTH),
            ]
            if half is not None and len(half) == 2:
                half += pair
                half = None
            else:
                half = pair
                cells.append(half)
        for row in cells:
            row += [""] * (4 - len(row))
        return cells, spans

    def status(self) -> tuple[str, colors.Color]:
        d = self.d
        if d.destruction is not None:
            if d.destruction.lower_level_reason:  # accepted below the minimum level: a result with an exception
                return self.t("status.destruction.lower", level=d.destruction.level), EXCEPTIONS_AMBER
            return self.t("status.destruction", level=d.destruction.level), PASSED_GREEN
        e = d.erasure
        assert e is not None
        outcome = str(getattr(e, "outcome", "") or "")
        if e.verify_result == "failed":
            return self.t("status.erasure.failed"), FAILED_RED
        if e.sectors_not_written:
            return self.t("status.erasure.hidden", sectors=fmt_int(e.sectors_not_written, self.lang)), EXCEPTIONS_AMBER
        if e.errors or "exception" in outcome:
            return self.t("status.erasure.exceptions"), EXCEPTIONS_AMBER
        return self.t("status.erasure.passed"), PASSED_GREEN

    def banner(self) -> list[Flowable]:
        """The result first: one coloured line under the title."""
        text, colour = self.status()
        url = self.verify_url
        how = self.t("check.short", url=url) if url else self.t("check.short_no_url")
        cell = fixed(f"<b>{clean(text)}</b><br/><font size='7.5'>{clean(how)}</font>", self.s.banner)
        table = Table([[cell]], colWidths=[CONTENT_WIDTH])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colour),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        return [Spacer(1, 2 * mm), table]

    def with_note(self, value: str, note: str | None) -> str:
        """A value with a plain-language line under it."""
        if not note:
            return value
        return f"{value}<br/><font size='7.5' color='#555555'>{clean(note)}</font>"

    def how_to_check(self) -> list[Flowable]:
        """How to check the certificate and what its terms mean (fills the rest of the last page)."""
        url = self.verify_url
        contact = self.d.issuer.contact
        steps = [self.t("check.1", url=url), self.t("check.2")] if url else [self.t("check.1_no_url", contact=contact)]
        steps.append(self.t("check.3"))
        # numbered as shown (without a page there is no step 2)
        steps = [f"{n}. {step.split('. ', 1)[1]}" for n, step in enumerate(steps, 1)]
        terms = [self.t("term.nist"), self.t("term.din"), self.t("term.sha256"), self.t("term.signature")]
        story: list[Flowable] = [fixed(clean(self.t("section.check")), self.s.section)]
        story += [fixed(clean(step), self.s.body) for step in steps]
        story.append(fixed(clean(self.t("section.terms")), self.s.section))
        story += [fixed(clean(term_text), self.s.small) for term_text in terms]
        return [KeepTogether(story)]  # moved whole to the next page rather than a few lines spilled

    def customer(self) -> list[Flowable]:
        c = self.d.customer
        if c is None:
            return []
        name = self.t("customer.anonymised") if self.d.anonymised and c.name == ANONYMISED else self.v(c.name)
        return self.section(
            "section.customer",
            [(self.t("customer.name"), name), (self.t("customer.job_ref"), self.v(c.job_ref))],
        )

    def asset_tag(self) -> str | None:
        """The shop's own asset or service tag of the drive, when the erasure was given one."""
        if self.d.erasure is not None:
            return self.d.erasure.asset_tag
        return self.d.destruction.asset_tag if self.d.destruction is not None else None

    def drive(self, *, paired: bool = False) -> list[Flowable]:
        dr = self.d.drive
        bus = term("bus", dr.bus, self.lang) if dr.bus and dr.bus != "unknown" else None
        return self.section(
            "section.drive",
            [
                (self.t("drive.manufacturer"), self.v(dr.manufacturer)),
                (self.t("drive.model"), self.v(dr.model)),
                (self.t("drive.serial"), self.v(dr.serial)),
                (self.t("drive.asset_tag"), clean(tag) if (tag := self.asset_tag()) else None),
                (self.t("drive.capacity"), clean(fmt_bytes(dr.capacity_bytes, self.lang))),
                (self.t("drive.firmware"), self.v(dr.firmware)),
                (self.t("drive.bus"), self.v(bus)),
                (self.t("drive.media"), clean(term("media", dr.media or "unknown", self.lang))),
                # a destruction names the computer in its basis already
                (
                    self.t("drive.host_computer"),
                    clean(dr.host_computer) if dr.host_computer and self.d.destruction is None else None,
                ),
            ],
            paired=paired,
        )

    def attest_text(self) -> str:
        e = self.d.erasure
        if e is not None and e.sectors_not_written:
            return self.t("attest.erasure_exceptions", sectors=fmt_int(e.sectors_not_written, self.lang))
        return self.t(f"attest.{self.d.kind}")

    def attestation(self) -> list[Flowable]:
        """The statement, who did the work and when, and the visible sign of the digital signature
        (who signed, when, the key's fingerprint): no blank line for a pen on a signed file."""
        d = self.d
        date_text = fmt_date(local_date(d.issued_at, d.timezone), self.lang)  # the shop's calendar day
        people: list[tuple[str, str]] = []
        if d.destruction is not None:
            people.append((self.t("sign.operator"), d.destruction.operator))
            if d.destruction.witness:
                people.append((self.t("sign.witness"), d.destruction.witness))
        else:
            people.append((self.t("sign.technician"), d.technician))
        if d.validator:
            people.append((self.t("sign.validator"), d.validator))
        people.append((self.t("sign.date"), date_text))
        who = " &nbsp;·&nbsp; ".join(f"{clean(role)}: <b>{clean(name)}</b>" for role, name in people)
        when = fmt_datetime(d.issued_at, d.timezone, self.lang)
        sign = Paragraph(
            f"<b>{clean(self.t('sign.digital', signer=d.issuer.name, when=when))}</b><br/>"
            f"<font size='7.5'>{clean(self.t('sign.digital_key', fingerprint=self.signer))}</font>",
            self.s.value,
        )
        box = Table([[sign]], colWidths=[CONTENT_WIDTH])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, ACCENT),
                    ("BACKGROUND", (0, 0), (-1, -1), BAND_GREY),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return [
            KeepTogether(
                [
                    fixed(clean(self.t("section.attestation")), self.s.section),
                    fixed(clean(self.attest_text()), self.s.body),
                    Spacer(1, 1.5 * mm),
                    Paragraph(who, self.s.value),
                    Spacer(1, 1.5 * mm),
                    box,
                ]
            )
        ]

    def auth_how(self) -> str:
        if self.verify_url:
            return self.t("auth.how", url=self.verify_url)
        return self.t("auth.how_no_url", contact=self.d.issuer.contact)

    def authenticity(self) -> list[Flowable]:
        rows = [
            [fixed(clean(self.t("auth.sha256")), self.s.label), Paragraph(self.sha256, self.s.mono)],
            [fixed(clean(self.t("auth.fingerprint")), self.s.label), fixed(clean(self.signer), self.s.mono)],
        ]
        table = Table(rows, colWidths=[LABEL_WIDTH, VALUE_WIDTH])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), BAND_GREY),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return [
            KeepTogether(
                [
                    fixed(clean(self.t("section.authenticity")), self.s.section),
                    table,
                    Spacer(1, 1.5 * mm),
                    fixed(clean(self.auth_how()), self.s.small),
                    *(
                        [Paragraph(clean(f"audit {h.event}:{h.hash}"), self.s.small)]
                        if (h := self.d.audit_head)
                        else []
                    ),
                ]
            )
        ]
