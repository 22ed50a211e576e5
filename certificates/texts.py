"""Every fixed text of a certificate, in Dutch (default) and English, and the value formatters."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TEXTS: dict[str, tuple[str, str]] = {
    # titles and header
    "title.erasure": ("Certificaat van gegevensverwijdering", "Certificate of data erasure"),
    "title.destruction": ("Certificaat van vernietiging", "Certificate of destruction"),
    "number": ("Certificaatnummer", "Certificate number"),
    "issued_at": ("Uitgegeven op", "Issued on"),
    "kvk": ("KvK-nummer", "Chamber of Commerce no."),
    "anonymised_copy": (
        "Geanonimiseerd afschrift: de naam van de klant is op diens verzoek verwijderd.",
        "Anonymised copy: the customer's name was removed at the customer's request.",
    ),
    # sections
    "section.issuer": ("Uitgegeven door", "Issued by"),
    "section.customer": ("Klant", "Customer"),
    "section.reason": ("Herkomst van de gegevens", "Where the data came from"),
    "section.basis": ("Grondslag van de vernietiging", "Basis for destruction"),
    "section.drive": ("Gegevensdrager", "Storage device"),
    "section.custody": ("Bewaring", "Custody"),
    "section.erasure": ("Verwijdering", "Sanitisation"),
    "section.verification": ("Controle", "Verification"),
    "section.destruction": ("Vernietiging", "Destruction"),
    "section.attestation": ("Verklaring", "Attestation"),
    "section.authenticity": ("Echtheid", "Authenticity"),
    # issuer and customer
    "issuer.name": ("Naam", "Name"),
    "issuer.address": ("Adres", "Address"),
    "issuer.contact": ("Contact", "Contact"),
    "customer.name": ("Naam", "Name"),
    "customer.job_ref": ("Reparatieopdracht", "Repair job"),
    "customer.anonymised": ("geanonimiseerd", "anonymised"),
    # erasure reason
    "reason.backup": ("Herkomst", "Origin"),
    "reason.backup_text": (
        "Back-up gemaakt op {date} voor reparatieopdracht {job}",
        "Backup made on {date} for repair job {job}",
    ),
    "reason.abandoned_text": (
        "Schijf uit een computer die niet is opgehaald (reparatieopdracht {job}), als achtergelaten aangemerkt "
        "op {date}",
        "Disk from an abandoned computer (repair job {job}), declared abandoned on {date}",
    ),
    "reason.no_backup": (
        "Schijf van de winkel zonder geregistreerde klantgegevens",
        "Shop drive with no customer data on record",
    ),
    "reason.rule": ("Bewaarregel", "Retention rule"),
    "reason.due_on": ("Te verwijderen op", "Due for erasure on"),
    "rule.retention-period": (
        "Bewaartermijn van {days} dagen na het maken van de back-up verstreken",
        "Retention period of {days} days after the backup was made has ended",
    ),
    "rule.early-deletion": (
        "Vervroegde verwijdering op verzoek van de klant",
        "Early deletion at the customer's request",
    ),
    "rule.hold-released": ("Opschorting opgeheven; bewaartermijn verstreken", "Hold released; retention period ended"),
    "rule.before-destruction": (
        "Gewist voorafgaand aan de vernietiging van de schijf",
        "Erased before the disk is destroyed",
    ),
    "rule.no-record": ("Geen (hergebruik van een lege schijf)", "None (reuse of a drive without customer data)"),
    # drive
    "drive.manufacturer": ("Fabrikant", "Manufacturer"),
    "drive.model": ("Model", "Model"),
    "drive.serial": ("Serienummer", "Serial number"),
    "drive.capacity": ("Capaciteit", "Capacity"),
    "drive.firmware": ("Firmware", "Firmware"),
    "drive.bus": ("Aansluiting", "Interface"),
    "drive.media": ("Soort", "Media type"),
    "drive.host_computer": ("Computer", "Host computer"),
    "media.hdd": ("HDD (magnetisch)", "HDD (magnetic)"),
    "media.ssd": ("SSD (flash)", "SSD (flash)"),
    "media.flash": ("Flashgeheugen (USB-stick, kaart)", "Flash memory (USB stick, card)"),
    "media.unknown": ("onbekend", "unknown"),
    "bus.usb": ("USB (brug)", "USB (bridge)"),
    "bus.ata": ("SATA/ATA", "SATA/ATA"),
    "bus.nvme": ("NVMe", "NVMe"),
    "bus.scsi": ("SCSI/SAS", "SCSI/SAS"),
    # erasure
    "erasure.nist_category": ("NIST SP 800-88 categorie", "NIST SP 800-88 category"),
    "erasure.technique": ("Techniek", "Technique"),
    "erasure.tool": ("Programma en versie", "Tool and version"),
    "erasure.hpa_dco": ("HPA/DCO", "HPA/DCO"),
    "erasure.started_at": ("Begin", "Start"),
    "erasure.ended_at": ("Einde", "End"),
    "erasure.duration": ("Duur", "Duration"),
    "erasure.bytes_written": ("Geschreven", "Bytes written"),
    "erasure.bytes_verified": ("Gecontroleerd", "Bytes verified"),
    "erasure.errors": ("Fouten", "Errors"),
    "erasure.health": ("Gezondheid (SMART)", "Drive health (SMART)"),
    "erasure.destination": ("Bestemming", "Destination"),
    "erasure.not_written": ("Uitzondering: niet geschreven", "Exception: not written"),
    "erasure.not_written_text": (
        "{sectors} sectoren ({size}) die een HPA/DCO verborg zijn niet overschreven; dit certificaat "
        "geldt alleen voor de zichtbare sectoren",
        "{sectors} sectors ({size}) hidden by an HPA/DCO were not overwritten; this certificate covers "
        "only the visible sectors",
    ),
    "destination.destruction": (
        "Fysieke vernietiging (apart certificaat)",
        "Physical destruction (separate certificate)",
    ),
    "destination.backup-pool": (
        "Terug naar de back-upschijven van de winkel",
        "Back to the shop's backup-drive pool",
    ),
    "verify.method": ("Controlemethode", "Verification method"),
    "verify.result": ("Resultaat", "Result"),
    "verify.seed": ("Startwaarde steekproef", "Sample seed"),
    "verify.coverage": ("Dekking", "Coverage"),
    "verify.full": ("volledig teruglezen", "full read-back"),
    "verify.sample": ("steekproef over de hele schijf", "random sample across the whole drive"),
    "verify.none": ("geen", "none"),
    "verify_visible.full": ("volledig teruglezen van de zichtbare sectoren", "full read-back of the visible sectors"),
    "verify_visible.sample": (
        "steekproef over de zichtbare sectoren",
        "random sample across the visible sectors",
    ),
    "verify_visible.none": ("geen", "none"),
    "result.passed": ("geslaagd", "passed"),
    "result.failed": ("mislukt", "failed"),
    "result.skipped": ("overgeslagen", "skipped"),
    # destruction
    "basis.abandoned_on": ("Als achtergelaten aangemerkt op", "Declared abandoned on"),
    "basis.retention_end": ("Einde bewaartermijn", "Retention end"),
    "basis.early_reason": ("Vervroegd vernietigd, reden", "Destroyed early, reason"),
    "basis.owner": ("Eigenaar", "Owner"),
    "basis.owner_shop": (
        "De winkel zelf: een eigen back-upschijf, uit gebruik genomen (geen klant; dit certificaat is voor de "
        "eigen administratie van de winkel)",
        "The shop itself: its own backup drive, retired (no customer; this certificate is for the shop's own records)",
    ),
    "basis.shop_reason": ("Reden", "Reason"),
    "basis.health": ("Laatste gezondheidsmeting", "Last health reading"),
    "basis.queued_on": ("Aangemeld voor vernietiging op", "Queued for destruction on"),
    "custody.received_on": ("Ontvangen op", "Received on"),
    "custody.location": ("Opslaglocatie", "Storage location"),
    "custody.seal_number": ("Zegelnummer", "Seal number"),
    "custody.serial_rescanned": (
        "Serienummer opnieuw gescand vóór vernietiging",
        "Serial re-scanned before destruction",
    ),
    "destruction.method": ("Methode", "Method"),
    "destruction.equipment": ("Apparatuur", "Equipment"),
    "destruction.standard": ("Norm", "Standard"),
    "destruction.protection_class": ("Beschermingsklasse", "Protection class"),
    "destruction.level": ("Veiligheidsniveau", "Security level"),
    "destruction.particle_size": ("Deeltjesgrootte", "Particle size"),
    "destruction.lower_level_reason": ("Lager niveau aanvaard, reden", "Lower level accepted, reason"),
    "destruction.prior_erasure": ("Eerdere verwijdering (certificaat)", "Prior erasure (certificate)"),
    "destruction.place": ("Plaats", "Place"),
    "destruction.destroyed_on": ("Datum vernietiging", "Destroyed on"),
    "destruction.operator": ("Uitgevoerd door", "Operator"),
    "destruction.witness": ("Getuige", "Witness"),
    "destruction.batch": ("Partij", "Batch"),
    "destruction.evidence": ("Bewijs (SHA-256)", "Evidence (SHA-256)"),
    "method.shred": ("versnipperen", "shredding"),
    "method.disintegrate": ("desintegreren", "disintegration"),
    "method.crush": ("verpletteren", "crushing"),
    "method.drill": ("doorboren / ponsen", "drilling / punching"),
    "method.degauss": ("demagnetiseren", "degaussing"),
    "place.in-house": ("in eigen huis", "in house"),
    "none": ("geen", "none"),
    "unknown": ("onbekend", "unknown"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    # attestation and signatures
    "attest.erasure": (
        "Hierbij verklaren wij dat alle gegevens op de hierboven beschreven gegevensdrager zijn verwijderd met "
        "de genoemde techniek, en dat het resultaat is gecontroleerd zoals vermeld.",
        "We hereby certify that all data on the storage device described above was sanitised with the technique "
        "stated, and that the result was verified as stated.",
    ),
    "attest.erasure_exceptions": (
        "Hierbij verklaren wij dat alle zichtbare sectoren van de hierboven beschreven gegevensdrager zijn "
        "verwijderd met de genoemde techniek en dat het resultaat is gecontroleerd zoals vermeld, met als "
        "uitzondering {sectors} verborgen sectoren (HPA/DCO) die niet zijn overschreven.",
        "We hereby certify that the visible sectors of the storage device described above were sanitised with "
        "the technique stated and that the result was verified as stated, with the exception of {sectors} "
        "hidden sectors (HPA/DCO) that were not overwritten.",
    ),
    "attest.destruction": (
        "Hierbij verklaren wij dat de hierboven beschreven gegevensdrager fysiek is vernietigd met de genoemde "
        "methode, tot het genoemde veiligheidsniveau.",
        "We hereby certify that the storage device described above was physically destroyed with the method "
        "stated, to the security level stated.",
    ),
    "sign.technician": ("Technicus", "Technician"),
    "sign.operator": ("Uitgevoerd door", "Operator"),
    "sign.witness": ("Getuige", "Witness"),
    "sign.validator": ("Gevalideerd door", "Validated by"),
    "sign.signature": ("Handtekening", "Signature"),
    "sign.date": ("Datum", "Date"),
    # authenticity
    "auth.sha256": ("SHA-256 van de certificaatgegevens", "SHA-256 of the certificate data"),
    "auth.signer": ("Digitaal ondertekend door", "Digitally signed by"),
    "auth.fingerprint": ("Vingerafdruk sleutel (SHA-256)", "Signing key fingerprint (SHA-256)"),
    "auth.how": (
        "Dit PDF-bestand is digitaal ondertekend. Controleer de echtheid door de QR-code te scannen of {url} te "
        "openen en dit bestand daar neer te zetten. De vingerafdruk hierboven bewijst alleen iets als hij gelijk is "
        "aan die welke de winkel publiceert op {url}.",
        "This PDF file is digitally signed. Check it by scanning the QR code or opening {url} and dropping this "
        "file there. The fingerprint above only proves something when it equals the one the shop publishes on "
        "{url}.",
    ),
    "auth.how_no_url": (
        "Dit PDF-bestand is digitaal ondertekend. De vingerafdruk hierboven bewijst alleen iets als hij gelijk is "
        "aan die welke de winkel u geeft (vraag ernaar via {contact}). Controleer met: wipestation certificate "
        "verify BESTAND --fingerprint VINGERAFDRUK",
        "This PDF file is digitally signed. The fingerprint above only proves something when it equals the one "
        "the shop gives you (ask via {contact}). Check with: wipestation certificate verify FILE --fingerprint "
        "FINGERPRINT",
    ),
    "check.short": (
        "Echtheid controleren: scan de QR-code of open {url} en zet dit bestand daar neer.",
        "Check that it is genuine: scan the QR code or open {url} and drop this file there.",
    ),
    "check.short_no_url": (
        "Echtheid controleren: zie „Zo controleert u dit certificaat” aan het eind.",
        "Check that it is genuine: see “How to check this certificate” at the end.",
    ),
    # status banner
    "status.erasure.passed": (
        "Geslaagd: alle gegevens op deze schijf zijn verwijderd en het resultaat is gecontroleerd.",
        "Passed: all data on this drive was erased and the result was verified.",
    ),
    "status.erasure.exceptions": (
        "Geslaagd met uitzonderingen: de schijf is gewist, maar niet elk deel kon worden beschreven of "
        "gecontroleerd (zie Fouten).",
        "Passed with exceptions: the drive was erased, but not every part could be written or verified (see Errors).",
    ),
    "status.erasure.hidden": (
        "Geslaagd met uitzonderingen: de zichtbare delen van de schijf zijn gewist en gecontroleerd; "
        "{sectors} verborgen sectoren (HPA/DCO) zijn niet beschreven.",
        "Passed with exceptions: the visible part of the drive was erased and verified; "
        "{sectors} hidden sectors (HPA/DCO) were not written.",
    ),
    "status.erasure.failed": (
        "Mislukt: de controle na het wissen is niet geslaagd.",
        "Failed: the check after the erasure did not pass.",
    ),
    "status.destruction": (
        "Vernietigd: deze gegevensdrager is fysiek vernietigd volgens DIN 66399, niveau {level}.",
        "Destroyed: this storage device was physically destroyed to DIN 66399 level {level}.",
    ),
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
    # erasure techniques (described here, not with the code's English)
    "technique.zero": ("overschrijven, 1 keer, met nullen (0x00)", "overwrite, 1 pass, zeros (0x00)"),
    "technique.ones": ("overschrijven, 1 keer, met enen (0xFF)", "overwrite, 1 pass, ones (0xFF)"),
    "technique.random": (
        "overschrijven, 1 keer, met willekeurige gegevens (AES-256-CTR)",
        "overwrite, 1 pass, random data (AES-256-CTR)",
    ),
    "technique.zero-verify-2pass": (
        "overschrijven, 2 keer: eerst 0xFF, daarna 0x00",
        "overwrite, 2 passes: 0xFF, then 0x00",
    ),
    "technique.dod-3pass": (
        "overschrijven, 3 keer: 0x00, 0xFF en willekeurige gegevens (naar DoD 5220.22-M, op verzoek)",
        "overwrite, 3 passes: 0x00, 0xFF and random data (after DoD 5220.22-M, on request)",
    ),
    "technique.ata-secure-erase": (
        "ATA Secure Erase: de schijf wist zichzelf op eigen opdracht",
        "ATA Secure Erase: the drive erases itself on its own command",
    ),
    "technique.ata-sanitize": (
        "ATA Sanitize: de schijf wist zichzelf, ook de reservegebieden",
        "ATA Sanitize: the drive erases itself, spare areas included",
    ),
    "technique.nvme-format": (
        "NVMe Format met Secure Erase: de SSD wist zichzelf (cryptografisch waar mogelijk)",
        "NVMe Format with Secure Erase: the SSD erases itself (cryptographically where possible)",
    ),
    "technique.nvme-sanitize": (
        "NVMe Sanitize: de SSD wist zichzelf, ook de reservegebieden",
        "NVMe Sanitize: the SSD erases itself, spare areas included",
    ),
    "technique.scsi-sanitize": (
        "SCSI Sanitize: de schijf wist zichzelf, ook de reservegebieden",
        "SCSI Sanitize: the drive erases itself, spare areas included",
    ),
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
        "Digitale handtekening: bewijst dat de winkel dit bestand heeft gemaakt en dat het daarna niet is "
        "gewijzigd; PDF-lezers tonen haar als geldig.",
        "Digital signature: proves that the shop made this file and that it was not changed since; PDF readers "
        "show it as valid.",
    ),
    "page": ("Pagina {page}", "Page {page}"),
    # the reason in the digital signature
    "sign.reason.erasure": (
        "Verklaring van gegevensverwijdering {number}",
        "Certificate of data erasure {number}",
    ),
    "sign.reason.destruction": ("Verklaring van vernietiging {number}", "Certificate of destruction {number}"),
}

LANGS = ("nl", "en")


def t(key: str, lang: str, **values: object) -> str:
    text = TEXTS[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def term(prefix: str, value: str | None, lang: str) -> str:
    """A translated term (`media.hdd`), or the value itself when there is no translation."""
    if value is None:
        return t("unknown", lang)
    key = f"{prefix}.{value}"
    return t(key, lang) if key in TEXTS else value


def fmt_int(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "nl" else text


def fmt_decimal(text: str, lang: str) -> str:
    """A decimal written with a point in the data ("10.30") in the language's way ("10,30" in Dutch)."""
    return text.replace(".", ",") if lang == "nl" else text


def fmt_percent(text: str, lang: str) -> str:
    return f"{fmt_decimal(text, lang)} %"


def fmt_bytes(n: int | None, lang: str) -> str:
    if n is None:
        return t("unknown", lang)
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            short = fmt_decimal(f"{n / size:.1f}", lang)
            return f"{short} {unit} ({fmt_int(n, lang)} bytes)"
    return f"{fmt_int(n, lang)} bytes"


MONTHS = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def fmt_date(d: date | None, lang: str) -> str:
    """The long date of the language: `29 november 2026`, `29 November 2026`."""
    if d is None:
        return t("unknown", lang)
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"


def local_date(dt: datetime, tz: str) -> date:
    """The shop's calendar day of an instant (an issue at 00:30 on 1 January is in the new year)."""
    return dt.astimezone(ZoneInfo(tz)).date()


def fmt_datetime(dt: datetime, tz: str, lang: str = "en") -> str:
    local = dt.astimezone(ZoneInfo(tz))
    return f"{fmt_date(local.date(), lang)}, {local:%H:%M:%S} {local.tzname()}"


def fmt_duration(seconds: int, lang: str) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    h = "u" if lang == "nl" else "h"
    if hours:
        return f"{hours} {h} {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def yes_no(value: bool, lang: str) -> str:
    return t("yes" if value else "no", lang)
