"""Fonts and the glyph fallback: DejaVu (or reportlab's Vera) registered once, and every string
from a person or a device normalised (only what is unsafe: compatibility look-alikes such as
full-width letters and ligatures, control and direction characters; `²`, `≤`, `é` are kept), given
U+FFFD where the font has no glyph, and escaped before it becomes Paragraph markup.
"""

from __future__ import annotations

import unicodedata
import zlib
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)
_MONO_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/dejavu/DejaVuSansMono.ttf")
FONT = "CertSans"
FONT_BOLD = "CertSans-Bold"
FONT_MONO = "CertMono"
_fonts_ready = False
_SUBSETS_KEPT = 16  # per font: the subsets of the last few kinds of certificate


class _MemoFlate(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
    """reportlab's Flate filter (the same bytes), remembering its last few results: a font subset is
    the same on most certificates, and compressing it again cost more than laying out a section."""

    def __init__(self) -> None:
        self._done: dict[bytes, bytes] = {}

    def encode(self, text: bytes | str) -> bytes:
        raw = text.encode("utf8") if isinstance(text, str) else text
        out = self._done.get(raw)
        if out is None:
            if len(self._done) >= 4 * _SUBSETS_KEPT:
                self._done.clear()
            out = self._done[raw] = zlib.compress(raw)
        return out


_FLATE = _MemoFlate()


class CertificateFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose subsets (the glyphs a document uses, as an embedded font file) are made
    and compressed once per set of characters, not once per certificate. The PDF is byte for byte
    what reportlab writes; with ASCII always in the first subset (`ttfAsciiReadable`), certificates
    in one language mostly share their subsets."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._subsets: dict[tuple[int, ...], bytes] = {}
        make = self.face.makeSubset

        def make_subset(subset: list[int]) -> bytes:
            key = tuple(subset)
            out = self._subsets.get(key)
            if out is None:
                if len(self._subsets) >= _SUBSETS_KEPT:
                    self._subsets.clear()
                out = self._subsets[key] = make(subset)
            return out

        self.face.makeSubset = make_subset

    def addObjects(self, doc: Any) -> None:
        super().addObjects(doc)
        prefixes = (f"fontFile:{self.face.filename}(", "toUnicodeCMap:")
        for name, obj in doc.idToObject.items():
            ours = isinstance(name, str) and name.startswith(prefixes) and isinstance(obj, pdfdoc.PDFStream)
            if ours and obj.filters == [pdfdoc.PDFZCompress]:
                obj.filters = [_FLATE]


rl_config.useA85 = 0  # binary streams: smaller files, and ASCII85 encoding costs ~10 % of a render


def register_fonts() -> None:
    """DejaVu (wide Unicode coverage) when installed, else the Vera fonts reportlab ships."""
    global _fonts_ready
    if _fonts_ready:
        return
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    regular, bold = str(bundled / "Vera.ttf"), str(bundled / "VeraBd.ttf")
    for reg, bld in _FONT_CANDIDATES:
        if Path(reg).exists() and Path(bld).exists():
            regular, bold = reg, bld
            break
    mono = next((m for m in _MONO_CANDIDATES if Path(m).exists()), str(bundled / "Vera.ttf"))
    pdfmetrics.registerFont(CertificateFont(FONT, regular))
    pdfmetrics.registerFont(CertificateFont(FONT_BOLD, bold))
    pdfmetrics.registerFont(CertificateFont(FONT_MONO, mono))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_ready = True


# Compatibility forms that only look like other letters: full-width and half-width forms, ligatures.
_LOOKALIKE_RANGES = ((0xFF00, 0xFFEF), (0xFB00, 0xFB4F))
REPLACEMENT = "\ufffd"  # printed for a character no font here can draw (an emoji, say): visible, never a box


def _safe_char(ch: str) -> str:
    code = ord(ch)
    if any(lo <= code <= hi for lo, hi in _LOOKALIKE_RANGES):
        return unicodedata.normalize("NFKC", ch)
    if not ch.isprintable():
        return " "
    return ch


def _glyphs() -> dict[int, int]:
    register_fonts()
    face = pdfmetrics.getFont(FONT).face
    return face.charToGlyph  # type: ignore[no-any-return]


def safe_text(value: object) -> str:
    """Normalise only what is unsafe; a character the font lacks becomes U+FFFD (shown as such)."""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to normalise, and the font has every ASCII glyph
    text = "".join(_safe_char(ch) for ch in unicodedata.normalize("NFC", text))
    glyphs = _glyphs()
    return "".join(ch if ch.isascii() or ord(ch) in glyphs else REPLACEMENT for ch in text)


def clean(value: object) -> str:
    """A user or device string made safe for Paragraph markup: see safe_text, then escaped."""
    return escape(safe_text(value))
