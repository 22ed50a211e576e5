"""Nothing but our own words on a user's terminal: the libraries' own deprecation notices are kept off
stderr at the boundary where the certificate side loads them (certificates/libraries.py), exactly those,
and our own code's warnings are errors in the tests (pyproject's filterwarnings)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
from cryptography.utils import CryptographyDeprecationWarning

from certificates.libraries import quiet_library_notices

pytestmark = pytest.mark.drift


def test_loading_the_signing_libraries_prints_nothing() -> None:
    """In a fresh interpreter with every warning shown (-W default), as a user's `erase`, `destroy` or
    `certificate verify` loads them. Under cryptography 46+, pyHanko's import alone printed two lines."""
    code = "import certificates.signing, certificates.verification, certificates.render, pypdf"
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("message", "module", "shown"),
    [
        ("DSA is deprecated and support will be removed", "pyhanko.sign.signers.pdf_cms", False),
        ("DSA is deprecated and support will be removed", "pyhanko_certvalidator.registry", False),
        ("ARC4 has been moved to cryptography.hazmat.decrepit", "pypdf._crypt_providers._cryptography", False),
        ("DSA is deprecated and support will be removed", "wipestation.erasure.run", True),  # ours: shown
        ("TripleDES has been moved", "pyhanko.sign.general", True),  # another notice of the same library
        ("DSA is deprecated", "pyhankoish", True),  # a module that only starts like it
    ],
)
def test_exactly_those_notices_of_exactly_those_libraries_are_quiet(message: str, module: str, shown: bool) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        quiet_library_notices()
        warnings.warn_explicit(message, CryptographyDeprecationWarning, "x.py", 1, module=module)
    assert bool(caught) is shown


def test_a_warning_of_our_own_code_fails_the_tests() -> None:
    """pyproject's filterwarnings turns a warning attributed to wipestation, tui or certificates into an
    error, so a deprecation we cause is seen in the tests before a user sees it."""
    for module in ("wipestation.cli", "tui.app", "certificates.render"):
        with pytest.raises(DeprecationWarning):
            warnings.warn_explicit("old API", DeprecationWarning, "x.py", 1, module=module)
