"""The texts that explain (Dutch, English): plain-language lines under the NIST category, the
protection class and the DIN level; how to check a certificate and what its terms mean."""

from __future__ import annotations

EXPLAIN: dict[str, tuple[str, str]] = {
    # plain-language lines
    "nist.Clear": (
        "Clear: overschreven met de gewone schrijfopdrachten; de gegevens zijn niet terug te halen met "
        "gewone software of hulpmiddelen.",
        "Clear: overwritten with the ordinary write commands; the data cannot be recovered with ordinary "
        "software or tools.",
    ),
    "nist.Purge": (
        "Purge: gewist met een opdracht van de schijf zelf, ook in de reservegebieden; de gegevens zijn zelfs "
        "met laboratoriumtechnieken niet terug te halen.",
        "Purge: erased by the drive's own command, spare areas included; the data cannot be recovered even "
        "with laboratory techniques.",
    ),
    "class.1": ("Klasse 1: normale bescherming (interne gegevens).", "Class 1: normal protection (internal data)."),
    "class.2": (
        "Klasse 2: hoge bescherming (vertrouwelijke gegevens, zoals persoonsgegevens).",
        "Class 2: high protection (confidential data, such as personal data).",
    ),
    "class.3": (
        "Klasse 3: zeer hoge bescherming (zeer vertrouwelijke en geheime gegevens).",
        "Class 3: very high protection (highly confidential and secret data).",
    ),
    "level.H-1": ("de schijf werkt niet meer", "the drive no longer works"),
    "level.H-2": ("de schijf is beschadigd", "the drive is damaged"),
    "level.H-3": ("de schijf is vervormd", "the drive is deformed"),
    "level.H-4": (
        "meermaals gedeeld en vervormd, deeltjes van hooguit 2000 mm²",
        "divided several times and deformed, particles of at most 2000 mm²",
    ),
    "level.H-5": (
        "vele malen gedeeld en vervormd, deeltjes van hooguit 320 mm²",
        "divided many times and deformed, particles of at most 320 mm²",
    ),
    "level.H-6": ("deeltjes van hooguit 10 mm²", "particles of at most 10 mm²"),
    "level.H-7": ("deeltjes van hooguit 5 mm²", "particles of at most 5 mm²"),
    "level.E-1": ("het apparaat werkt niet meer", "the device no longer works"),
    "level.E-2": ("het apparaat is gebroken", "the device is broken"),
    "level.E-3": ("deeltjes van hooguit 160 mm²", "particles of at most 160 mm²"),
    "level.E-4": ("deeltjes van hooguit 30 mm²", "particles of at most 30 mm²"),
    "level.E-5": ("deeltjes van hooguit 10 mm²", "particles of at most 10 mm²"),
    "level.E-6": ("deeltjes van hooguit 1 mm²", "particles of at most 1 mm²"),
    "level.E-7": ("deeltjes van hooguit 0,5 mm²", "particles of at most 0.5 mm²"),
    "level.meaning": ("Niveau {level}: {meaning}.", "Level {level}: {meaning}."),
    # how to check, what the terms mean
    "section.check": ("Zo controleert u dit certificaat", "How to check this certificate"),
    "check.1": (
        "1. Scan de QR-code rechtsboven of open {url}: de pagina zegt of dit certificaat echt is, en toont "
        "nummer, datum, schijf en resultaat.",
        "1. Scan the QR code at the top right or open {url}: the page says whether this certificate is genuine, "
        "and shows its number, date, drive and result.",
    ),
    "check.1_no_url": (
        "1. Vraag de winkel ({contact}) om de vingerafdruk van haar sleutel.",
        "1. Ask the shop ({contact}) for the fingerprint of its key.",
    ),
    "check.2": (
        "2. Zet dit PDF-bestand op die pagina neer: uw browser vergelijkt het hele bestand met wat de winkel "
        "heeft gepubliceerd. Er wordt niets verstuurd.",
        "2. Drop this PDF file onto that page: your browser compares the whole file with what the shop "
        "published. Nothing is uploaded.",
    ),
    "check.3": (
        "3. Of gebruik wipestation: wipestation certificate verify BESTAND --fingerprint VINGERAFDRUK "
        "(0 = echt, 1 = gewijzigd of ingetrokken, 5 = sleutel onbekend).",
        "3. Or use wipestation: wipestation certificate verify FILE --fingerprint FINGERPRINT "
        "(0 = genuine, 1 = changed or revoked, 5 = key unknown).",
    ),
    "section.terms": ("Wat de begrippen betekenen", "What the terms mean"),
    "term.nist": (
        "NIST SP 800-88: de Amerikaanse richtlijn voor het wissen van gegevensdragers. Clear = overschrijven, "
        "Purge = wissen dat ook laboratoriumtechnieken weerstaat, Destroy = fysiek vernietigen.",
        "NIST SP 800-88: the US guideline for sanitising storage media. Clear = overwriting, Purge = erasure "
        "that resists laboratory techniques, Destroy = physical destruction.",
    ),
    "term.din": (
        "DIN 66399 (ISO/IEC 21964): de norm voor het vernietigen van gegevensdragers. H = harde schijf, "
        "E = flashgeheugen (SSD, USB-stick); niveau 1 tot 7, hoe hoger hoe kleiner de resten.",
        "DIN 66399 (ISO/IEC 21964): the standard for destroying storage media. H = hard disk, E = flash memory "
        "(SSD, USB stick); levels 1 to 7, the higher the smaller the remains.",
    ),
    "term.sha256": (
        "SHA-256: een vingerafdruk van de certificaatgegevens; elke wijziging geeft een ander getal.",
        "SHA-256: a fingerprint of the certificate data; any change gives a different number.",
    ),
    "term.signature": (
        "Digitale handtekening: de winkel ondertekent met haar eigen sleutel, niet via een algemeen bekende "
        "certificaatuitgever. Een PDF-lezer toont de handtekening daarom als „uitgever onbekend” of „identiteit "
        "niet gecontroleerd” (pdfsig: „Certificate issuer is unknown”); dat zegt niet dat het bestand vals is. "
        "Of het echt en ongewijzigd is, ziet u op de controlepagina van de winkel, met wipestation certificate "
        "verify, of door de vingerafdruk van de sleutel te vergelijken met die welke de winkel publiceert.",
        "Digital signature: the shop signs with its own key, not through a widely known certificate issuer. A PDF "
        "reader therefore shows the signature as “issuer unknown” or “identity not verified” "
        "(pdfsig: “Certificate issuer is unknown”); that does not mean the file is forged. Whether it is "
        "genuine and unchanged is shown by the shop's verification page, by wipestation certificate verify, or "
        "by comparing the key's fingerprint with the one the shop publishes.",
    ),
    # the footer: "Pagina 1 van " and then the total, drawn once the document is complete
    "page_of": ("Pagina {page} van", "Page {page} of"),
}
