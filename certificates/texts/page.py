"""The page's own texts (Dutch, English): titles, sections, the customer, where the data came from,
the drive, attestation, authenticity, the result banner, and the signature's reason."""

from __future__ import annotations

PAGE: dict[str, tuple[str, str]] = {
    # titles and header
    "title.erasure": ("Certificaat van gegevensverwijdering", "Certificate of data erasure"),
    "title.destruction": ("Certificaat van vernietiging", "Certificate of destruction"),
    "number": ("Certificaatnummer", "Certificate number"),
    "issued_at": ("Uitgegeven op", "Issued on"),
    "issued_later": (
        "Later uitgegeven: het werk was klaar, maar het certificaat kon toen niet worden uitgegeven "
        "(onderbreking of volle schijf). Tijden en cijfers zijn die van het werk zelf; de datum van "
        "uitgifte staat hierboven.",
        "Issued later: the work was complete, but the certificate could not be issued at the time "
        "(an interruption or a full disk). Times and figures are the work's own; the date of issue is "
        "given above.",
    ),
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
    "drive.asset_tag": ("Inventarisnummer winkel", "Shop asset tag"),
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
    "sign.digital": (
        "Digitaal ondertekend door {signer} op {when}",
        "Digitally signed by {signer} on {when}",
    ),
    "sign.digital_key": ("Sleutel (vingerafdruk SHA-256): {fingerprint}", "Key (SHA-256 fingerprint): {fingerprint}"),
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
    "status.destruction.lower": (
        "Vernietigd met uitzondering: fysiek vernietigd volgens DIN 66399, niveau {level}, lager dan het "
        "minimumniveau; de reden staat onder Vernietiging.",
        "Destroyed with an exception: physically destroyed to DIN 66399 level {level}, below the minimum "
        "level; the reason is given under Destruction.",
    ),
    "status.destruction": (
        "Vernietigd: deze gegevensdrager is fysiek vernietigd volgens DIN 66399, niveau {level}.",
        "Destroyed: this storage device was physically destroyed to DIN 66399 level {level}.",
    ),
    # the reason in the digital signature
    "sign.reason.erasure": (
        "Verklaring van gegevensverwijdering {number}",
        "Certificate of data erasure {number}",
    ),
    "sign.reason.destruction": ("Verklaring van vernietiging {number}", "Certificate of destruction {number}"),
}
