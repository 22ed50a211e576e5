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
    "section.reason": ("Waarom de gegevens bestonden", "Why the data existed"),
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
        "Schijf uit een achtergelaten computer (reparatieopdracht {job}), achtergelaten verklaard op {date}",
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
    "result.passed": ("geslaagd", "passed"),
    "result.failed": ("mislukt", "failed"),
    "result.skipped": ("overgeslagen", "skipped"),
    # destruction
    "basis.abandoned_on": ("Achtergelaten verklaard op", "Declared abandoned on"),
    "basis.retention_end": ("Einde bewaartermijn", "Retention end"),
    "basis.early_reason": ("Vervroegd vernietigd, reden", "Destroyed early, reason"),
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
        "Dit PDF-bestand is digitaal ondertekend. De certificaatgegevens zitten er als JSON-bijlage in; de "
        "QR-code bevat het nummer en de hash. Controleer de echtheid met: wipestation certificate verify BESTAND",
        "This PDF file is digitally signed. The certificate data is attached to it as a JSON file; the QR code "
        "carries the number and the hash. Check its authenticity with: wipestation certificate verify FILE",
    ),
    "page": ("Pagina {page}", "Page {page}"),
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


def fmt_bytes(n: int | None, lang: str) -> str:
    if n is None:
        return t("unknown", lang)
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            short = f"{n / size:.1f}"
            if lang == "nl":
                short = short.replace(".", ",")
            return f"{short} {unit} ({fmt_int(n, lang)} bytes)"
    return f"{fmt_int(n, lang)} bytes"


def fmt_date(d: date | None, lang: str) -> str:
    return t("unknown", lang) if d is None else d.isoformat()


def local_date(dt: datetime, tz: str) -> date:
    """The shop's calendar day of an instant (an issue at 00:30 on 1 January is in the new year)."""
    return dt.astimezone(ZoneInfo(tz)).date()


def fmt_datetime(dt: datetime, tz: str) -> str:
    local = dt.astimezone(ZoneInfo(tz))
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}"


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
