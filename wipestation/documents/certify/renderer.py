"""The renderer, found through the `wipestation.certificates` entry point (the core depends only on
this Protocol)."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, Protocol

from wipestation.common.config import Config
from wipestation.common.errors import ConfigError
from wipestation.common.i18n import N_, _
from wipestation.documents.certify.data import ENTRY_POINT_GROUP, CertificateData


@dataclass(frozen=True)
class VerifyReport:
    """What a renderer found in a PDF. `problems` empty means authentic and unchanged."""

    number: str | None = None
    sha256: str | None = None  # of the embedded canonical data
    stated_sha256: str | None = None  # the hash the QR code and the page carry
    signer_fingerprint: str | None = None
    data: dict[str, Any] | None = None
    problems: tuple[str, ...] = field(default=())
    key_known: bool = True  # False: no fingerprint here to compare the signer with (cannot be checked)
    verify_url: str | None = None  # where the shop publishes its page and fingerprint (from the QR payload)

    @property
    def ok(self) -> bool:
        """Genuine: nothing wrong, and the signer is the shop's known key."""
        return not self.problems and self.key_known


class CertificateRenderer(Protocol):
    """Renders certificate data to a signed PDF and checks such PDFs (the `certificates` package)."""

    def prepare(self) -> None:
        """Load (or create on first use) the signing key; raise ConfigError when it is damaged."""
        ...

    def render(self, data: CertificateData, lang: str) -> bytes:
        """A signed PDF of `data` in `lang` ("nl" or "en")."""
        ...

    def verify(self, pdf: bytes) -> VerifyReport:
        """Check signature, signer, embedded data and stated hash; never raises for a bad PDF."""
        ...


def load_renderer(config: Config) -> CertificateRenderer:
    """The renderer registered under the `wipestation.certificates` entry point ("default")."""
    from wipestation.common.plugins import load_plugin

    factory = load_plugin(ENTRY_POINT_GROUP, N_("the certificate renderer"))
    return typing.cast(CertificateRenderer, factory(config))


def require_shop(config: Config) -> None:
    """Refuse to issue a certificate without a `[shop]` name: a document names the shop that issued
    it, and no other shop's name may stand in for it (checked before an erasure writes anything)."""
    if not config.shop.configured:
        raise ConfigError(
            _(
                "the shop is not configured: add a [shop] section with name, address and contact to the "
                "configuration; no certificate is issued without it"
            )
        )
