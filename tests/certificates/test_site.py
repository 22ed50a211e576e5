"""`certificate site DIR`: the static verification page, checked in a real headless Chromium against
the site served on loopback: the QR code's URL, a wrong hash, an unknown number, a revoked
certificate, and a dropped genuine and altered PDF."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from tests.helpers.browser import Browser, chromium_path, serve
from wipestation.documents.site import certificate_file_id, mask_serial


def _subject(pdf: Path) -> str:
    meta = PdfReader(io.BytesIO(pdf.read_bytes())).metadata
    assert meta is not None and meta.subject is not None
    return str(meta.subject)


@dataclasses.dataclass
class Published:
    url: str
    site: Path
    genuine: Path
    revoked: Path
    numbers: list[str]
    shas: list[str]


@pytest.fixture
def published(cli: Cli, shop: Shop, tmp_path: Path) -> Iterator[Published]:
    site = tmp_path / "site"
    site.mkdir()
    with serve(site) as url:
        cli.config = dataclasses.replace(
            cli.config, certificates=dataclasses.replace(cli.config.certificates, verify_url=url)
        )
        shop.record("WDC-GENUINE-1", customer_id=shop.customer("Zoë Geheim"), job_ref="JOB-PRIVATE-77")
        shop.record("SSD-REVOKED-2", media="ssd")
        out = cli.ok(
            "destroy", "WDC-GENUINE-1", "SSD-REVOKED-2", "--method", "shred", "--level", "H-5", "--level", "E-4"
        )
        numbers = [o["certificate"] for o in out]
        pdfs = []
        for number in numbers:
            path = tmp_path / f"{number}.pdf"
            assert cli("certificate", "pdf", number, "-o", str(path)).exit_code == 0
            pdfs.append(path)
        cli.ok("certificate", "revoke", numbers[1], "--reason", "wrong drive scanned")
        report = cli.ok("certificate", "site", str(site))
        assert report["certificates"] == 2 and report["revoked"] == 1 and report["verify_url"] == url
        shas = [_subject(p).rsplit(".", 1)[1] for p in pdfs]
        yield Published(url=url, site=site, genuine=pdfs[0], revoked=pdfs[1], numbers=numbers, shas=shas)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install chromium; scripts/setup --test installs it)")
    b = Browser(tmp_path / "chromium-profile")
    try:
        yield b
    finally:
        b.close()


def test_the_qr_code_carries_the_verification_url(published: Published, tmp_path: Path) -> None:
    subject = _subject(published.genuine)
    assert subject == f"{published.url}#{published.numbers[0]}.{published.shas[0]}"
    if shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None:
        pytest.skip("pdftoppm/zbarimg not installed")
    png = tmp_path / "p1"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", published.genuine, png], check=True
    )
    out = subprocess.run(["zbarimg", "--quiet", "--raw", f"{png}.png"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == subject


def test_the_site_holds_no_personal_data_and_nothing_to_enumerate(published: Published) -> None:
    files = sorted(p.relative_to(published.site).as_posix() for p in published.site.rglob("*") if p.is_file())
    everything = "\n".join((published.site / f).read_text(encoding="utf-8") for f in files)
    for secret in ("Zoë Geheim", "JOB-PRIVATE-77", "WDC-GENUINE-1", "SSD-REVOKED-2", "HP ProBook", "tester"):
        assert secret not in everything
    names = {f for f in files if f.startswith("c/")}
    expected = {f"c/{certificate_file_id(n, s)}.json" for n, s in zip(published.numbers, published.shas, strict=True)}
    assert names == expected | {"c/index.html"}  # no file named after a number, no listing
    assert all(published.numbers[0] not in f for f in files)
    record = json.loads((published.site / sorted(expected)[0]).read_text())
    assert record["drive"]["serial"] in {mask_serial("WDC-GENUINE-1"), mask_serial("SSD-REVOKED-2")}


def test_the_page_in_a_real_browser(published: Published, browser: Browser, tmp_path: Path) -> None:
    genuine_url = _subject(published.genuine)

    browser.open(genuine_url)  # the QR code's URL
    assert browser.status() == "genuine"
    text = browser.text()
    assert published.numbers[0] in text and mask_serial("WDC-GENUINE-1") in text
    assert "WDC-GENUINE-1" not in text and "Zoë" not in text
    assert "H-5" in text and published.url not in text

    browser.evaluate("document.getElementById('lang-nl').click()")
    assert "Echt: dit certificaat is door de winkel uitgegeven" in browser.text()
    browser.evaluate("document.getElementById('lang-en').click()")
    assert "Genuine: this certificate was issued by the shop" in browser.text()

    wrong_hash = f"{published.url}#{published.numbers[0]}.{'0' * 64}"
    browser.open(wrong_hash)
    assert browser.status() == "unknown"
    assert published.numbers[0] not in browser.text()  # nothing shown of the real one

    browser.open(f"{published.url}#WS-2026-999999.{published.shas[0]}")  # a number the shop never issued
    assert browser.status() == "unknown"

    browser.open(_subject(published.revoked))
    assert browser.status() == "revoked"
    assert "wrong drive scanned" in browser.text()

    # a dropped (chosen) PDF is hashed in the browser and compared with the published hash
    browser.open(genuine_url)
    assert browser.status() == "genuine"
    assert browser.choose_file("#file", published.genuine) == "identical"
    assert "exactly the file the shop issued" in browser.text()

    altered = tmp_path / "altered.pdf"
    data = bytearray(published.genuine.read_bytes())
    data[data.index(b"Certificate data")] ^= 0x20
    altered.write_bytes(bytes(data))
    browser.open(genuine_url)
    assert browser.status() == "genuine"
    assert browser.choose_file("#file", altered) == "different"
    assert browser.status() == "altered"

    browser.open(published.url)  # the bare page: the PDF alone finds its certificate
    assert browser.status() == "idle"
    assert browser.choose_file("#file", published.genuine) == "identical"
    assert browser.status() == "genuine" and published.numbers[0] in browser.text()
    browser.open(published.url)
    assert browser.choose_file("#file", altered) == "unknown"
    assert browser.status() == "unknown"


def test_the_site_is_updated_by_running_it_again(cli: Cli, published: Published) -> None:
    english = published.site.parent / "en.pdf"
    assert cli("certificate", "pdf", published.numbers[0], "--lang", "en", "-o", str(english)).exit_code == 0
    report = cli.ok("certificate", "site", str(published.site))
    assert report["pdfs"] == 3  # the English copy is checkable now too


def test_each_state_in_dutch_in_a_real_browser(published: Published, browser: Browser, tmp_path: Path) -> None:
    """The page as a Dutch customer sees it: genuine (the method in Dutch, not its id), changed,
    revoked (no green "precies het bestand" line), and offline (opened from a file, or the shop's
    server gone): "cannot be checked right now", never "forged"."""
    genuine_url = _subject(published.genuine)
    dutch = genuine_url.replace("#", "?lang=nl#")
    browser.open(dutch)
    assert browser.status() == "genuine"
    text = browser.text()
    assert "Echt: dit certificaat is door de winkel uitgegeven" in text
    assert "versnipperen, DIN 66399 niveau H-5" in text and "shred" not in text
    assert browser.choose_file("#file", published.genuine) == "identical"
    assert "precies het bestand dat de winkel heeft uitgegeven" in browser.text()

    altered = tmp_path / "altered.pdf"
    data = bytearray(published.genuine.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    browser.open(dutch)
    assert browser.status() == "genuine"
    assert browser.choose_file("#file", altered) == "different"
    assert browser.status() == "altered" and "Gewijzigd" in browser.text()

    browser.open(_subject(published.revoked).replace("#", "?lang=nl#"))
    assert browser.status() == "revoked"
    assert browser.choose_file("#file", published.revoked) == "identical"
    text = browser.text()
    assert "Ingetrokken" in text and "ingetrokken: het geldt niet meer" in text
    assert "precies het bestand" not in text
    assert browser.evaluate("document.getElementById('file-result').className") == "bad"

    fragment = genuine_url.split("#", 1)[1]
    browser.open(f"{(published.site / 'index.html').as_uri()}?lang=nl#{fragment}")  # saved and opened as a file
    assert browser.status() == "unavailable"
    text = browser.text()
    assert "Kan nu niet worden gecontroleerd" in text
    assert "vervalst" not in text and "Onbekend" not in text


def test_when_the_shops_server_is_gone_the_page_says_it_cannot_check(
    published: Published, browser: Browser, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(published.site, copy)
    with serve(copy) as url:
        browser.open(f"{url}?lang=nl")
        assert browser.status() == "idle"
    # the server is down now; the customer scans (opens) the QR code's fragment
    fragment = _subject(published.genuine).split("#", 1)[1]
    browser.evaluate(f"location.hash = {json.dumps(fragment)}")
    assert browser.wait_for("document.body.dataset.status === 'unavailable'")
    text = browser.text()
    assert "Kan nu niet worden gecontroleerd" in text and "vervalst" not in text


def test_a_copy_rendered_after_the_site_is_found_once_the_site_is_rewritten_and_the_shop_is_told(
    cli: Cli, published: Published, browser: Browser, tmp_path: Path
) -> None:
    """An English copy rendered after the last `certificate site`: `doctor` and the digest say the
    site is out of date (the page would call that copy altered); after `certificate site` again the
    copy is found, and both are quiet."""

    def site_finding() -> dict[str, object]:
        result = cli("doctor", "--json")
        (finding,) = [f for f in json.loads(result.stdout) if f["check"] == "verification site"]
        return dict(finding)

    assert site_finding()["ok"] is True
    assert cli.ok("digest")["site_out_of_date"] is None
    english = tmp_path / "en.pdf"
    assert cli("certificate", "pdf", published.numbers[0], "--lang", "en", "-o", str(english)).exit_code == 0
    finding = site_finding()
    assert finding["ok"] is False and "1 PDF(s) and 0 revocation(s)" in str(finding["message"])
    assert "certificate site" in str(finding["fix"])
    assert cli.ok("digest")["site_out_of_date"] == {"published": True, "copies": 1, "revocations": 0}
    dutch = cli("--lang", "nl", "digest").stdout
    assert "Controlesite verouderd: 1 PDF('s) en 0 intrekking(en)" in dutch

    browser.open(_subject(english))
    assert browser.status() == "genuine"
    assert browser.choose_file("#file", english) == "different"  # not on the site yet
    cli.ok("certificate", "site", str(published.site))
    browser.open(_subject(english))
    assert browser.status() == "genuine"
    assert browser.choose_file("#file", english) == "identical"
    assert site_finding()["ok"] is True and cli.ok("digest")["site_out_of_date"] is None
