"""The destruction's texts (Dutch, English): basis, custody, method, place, level."""

from __future__ import annotations

DESTRUCTION: dict[str, tuple[str, str]] = {
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
    "destruction.evidence": ("Bewijs (SHA-256)", "Evidence (SHA-256)"),
    "destruction.evidence_item": ("Foto {n}", "Photo {n}"),
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
}
