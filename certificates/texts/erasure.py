"""The erasure's texts (Dutch, English): its rows and verification, and the techniques by method
(described here, not with the code's English)."""

from __future__ import annotations

ERASURE: dict[str, tuple[str, str]] = {
    # erasure
    "erasure.nist_category": ("NIST SP 800-88 categorie", "NIST SP 800-88 category"),
    "erasure.technique": ("Techniek", "Technique"),
    "erasure.tool": ("Programma en versie", "Tool and version"),
    "erasure.workstation": ("Werkplek", "Workstation"),
    "erasure.sectors": ("Sectoren", "Sectors"),
    "erasure.sectors_text": ("{count} sectoren van {size} bytes", "{count} sectors of {size} bytes"),
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
}
