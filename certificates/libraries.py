"""The boundary where the certificate side loads its PDF-signing libraries, and the one place that keeps
their own deprecation notices off the user's terminal.

pyHanko imports cryptography's DSA key type (it can verify DSA signatures; the shop's key is RSA or ECDSA),
and cryptography 46 and later warn about DSA on that import; pypdf imports ARC4 from its old place, which
cryptography 43 to 47 warn about. Neither is something a technician or a customer can act on, and the
interface promises one line on stderr. Exactly these two notices, attributed to exactly these libraries,
are ignored; every other warning still shows (tests/test_warnings.py checks both).
"""

from __future__ import annotations

import warnings

from cryptography.utils import CryptographyDeprecationWarning

QUIETED = (
    (r"DSA is deprecated", r"pyhanko(_certvalidator)?(\.|$)"),
    (r"ARC4 has been moved", r"pypdf(\.|$)"),
)


def quiet_library_notices() -> None:
    """Install the filters (idempotent: `warnings` drops a filter it already has). `certificates/__init__`
    calls it, so it runs before any module of the package imports pyHanko or pypdf."""
    for message, module in QUIETED:
        warnings.filterwarnings("ignore", message=message, category=CryptographyDeprecationWarning, module=module)
