"""The `wipestation.certificates` entry point: the reportlab + pyHanko certificate renderer."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from wipestation.common.config import Config
from wipestation.common.errors import BadValue
from wipestation.common.i18n import _
from wipestation.documents.certify import LANGUAGES, CertificateData, VerifyReport, require_shop

if TYPE_CHECKING:
    from certificates.keys import ShopKey
    from certificates.signing import PdfSigner

# The layout (reportlab), the signer (pyHanko's signing half) and the shop's key (cryptography's X.509)
# are imported when a certificate is rendered: checking one (`certificate verify`, on a customer's
# machine, with the fingerprint given) starts without them.


class PdfCertificateRenderer:
    """Renders and signs with the shop's key (created on first use), and checks certificates."""

    def __init__(self, config: Config, shop: ShopKey | None = None) -> None:
        self.config = config
        self._shop = shop
        self._signer: PdfSigner | None = None
        self._logo: Any = None

    def prepare(self) -> None:
        """Ready to sign: the shop is configured and its key loads (an erasure asks before it writes)."""
        require_shop(self.config)
        self._load()

    def _load(self) -> None:
        if self._signer is None:
            if self._shop is None:
                from certificates.keys import load_shop_key

                self._shop = load_shop_key(self.config)
            from certificates.signing import PdfSigner

            self._signer = PdfSigner(self._shop)

    @property
    def fingerprint(self) -> str:
        self._load()
        assert self._shop is not None
        return self._shop.fingerprint

    def render(self, data: CertificateData, lang: str) -> bytes:
        from certificates.render import load_logo, render_unsigned
        from certificates.texts import t

        if lang not in LANGUAGES:
            raise BadValue(_("unknown certificate language '{lang}' (nl or en)").format(lang=lang))
        self.prepare()
        assert self._signer is not None
        if self._logo is None and self.config.shop.logo:
            self._logo = load_logo(self.config.shop.logo)
        canonical = data.canonical()  # once: its hash goes on the page and in the QR code
        unsigned = render_unsigned(
            data,
            lang,
            signer_fingerprint=self.fingerprint,
            verify_url=self.config.certificates.verify_url,
            logo=self._logo,
            sha256=hashlib.sha256(canonical).hexdigest(),
        )
        return self._signer.sign(
            unsigned,
            canonical,
            created=data.issued_at,
            signer_name=data.issuer.name,
            reason=t(f"sign.reason.{data.kind}", lang, number=data.number),
        )

    def verify(self, pdf: bytes) -> VerifyReport:
        from certificates.verification import verify_pdf

        expected = self._shop.fingerprint if self._shop is not None else self._expected_fingerprint()
        return verify_pdf(pdf, expected)

    def _expected_fingerprint(self) -> str | None:
        """The fingerprint given (`--fingerprint`, the config), else the shop's certificate file's."""
        given = self.config.certificates.fingerprint
        if given and re.fullmatch(r"[0-9a-f]{64}", given):
            return given
        from certificates.keys import shop_fingerprint

        return shop_fingerprint(self.config)


def make_renderer(config: Config) -> PdfCertificateRenderer:
    return PdfCertificateRenderer(config)
