"""The texts of an erasure certificate whose scope is one data set: one backup on a shared pool drive,
erased cryptographically (issue 27). Never "Purge of the drive": the drive itself was not sanitized."""

from __future__ import annotations

DATA_SET: dict[str, tuple[str, str]] = {
    "section.data_set": ("Verwijderde gegevensset", "Data set erased"),
    "data_set.scope": ("Reikwijdte", "Scope"),
    "data_set.scope_text": (
        "Alleen deze gegevensset: back-up {ref} van klant {customer}, opdracht {job}, {files} bestanden, {bytes} bytes",
        "This data set only: backup {ref} of customer {customer}, job {job}, {files} files, {bytes} bytes",
    ),
    "data_set.method": ("Methode", "Method"),
    "data_set.method_text": (
        "Cryptografisch wissen (cryptographic erase, NIST SP 800-88 Rev. 2) van deze gegevensset",
        "Cryptographic erase (NIST SP 800-88 Rev. 2) of this data set",
    ),
    "data_set.key": ("Sleutel", "Key"),
    "data_set.key_text": (
        "Vernietigd: op de plaats zelf overschreven en teruggelezen",
        "Destroyed: overwritten in place and read back",
    ),
    "data_set.data": ("Versleutelde gegevens", "Encrypted data"),
    "data_set.data_text": (
        "Overschreven en verwijderd: {objects} objecten, {bytes}",
        "Overwritten and deleted: {objects} objects, {bytes}",
    ),
    "data_set.made_at": ("Back-up gemaakt", "Backup made"),
    "data_set.erased_at": ("Gewist", "Erased"),
    "data_set.drive": ("Schijf {serial}", "Drive {serial}"),
    "data_set.drive_text": (
        "Niet als geheel gewist, omdat er versleutelde back-ups van andere klanten op staan; de schijf "
        "wordt gewist wanneer hij uit de back-upvoorraad gaat",
        "Not sanitized, because it holds other customers' encrypted backups; it is sanitized when it leaves the pool",
    ),
    "data_set.medium": ("Let op", "Note"),
    "data_set.medium_text": (
        "Het soort geheugen van schijf {serial} kon niet worden vastgesteld als draaiende schijf; alleen op een "
        "draaiende schijf is zeker dat het overschrijven van de sleutel op de plaats zelf gebeurt",
        "The medium of drive {serial} could not be identified as a rotating disk; only on a rotating disk is "
        "the key's overwrite in place certain",
    ),
    "status.data_set": (
        "Geslaagd: deze gegevensset is cryptografisch gewist; de schijf zelf is niet gewist (zie hieronder).",
        "Passed: this data set was erased cryptographically; the drive itself was not sanitized (see below).",
    ),
    "attest.data_set": (
        "Hierbij verklaren wij: cryptografisch wissen van deze gegevensset (back-up {ref} van klant {customer}, "
        "opdracht {job}, {files} bestanden, {bytes} bytes); de sleutel is vernietigd (op de plaats zelf "
        "overschreven en teruggelezen) en de versleutelde gegevens zijn verwijderd en overschreven; schijf "
        "{serial} is niet gewist, omdat er versleutelde back-ups van andere klanten op staan; hij wordt gewist "
        "wanneer hij uit de back-upvoorraad gaat.",
        "We hereby certify: cryptographic erasure of this data set (backup {ref} of customer {customer}, job "
        "{job}, {files} files, {bytes} bytes); the key was destroyed (overwritten in place and read back) and "
        "its encrypted data deleted and overwritten; drive {serial} was not sanitized because it holds other "
        "customers' encrypted backups; it is sanitized when it leaves the pool.",
    ),
    "term.nist_data_set": (
        "NIST SP 800-88 Rev. 2: de Amerikaanse richtlijn voor het wissen van gegevensdragers. Cryptografisch "
        "wissen (cryptographic erase) = de sleutel vernietigen waarmee de gegevens versleuteld zijn opgeslagen, "
        "zodat ze niet meer te lezen zijn.",
        "NIST SP 800-88 Rev. 2: the US guideline for sanitising storage media. Cryptographic erase = "
        "destroying the key the data was stored encrypted with, so that it can no longer be read.",
    ),
}
