"""The lines the record keeps in English (the HPA/DCO state of `erasure/hidden.py` and the firmware
probe, the health line of `health/judging.py`), shown in the certificate's language.

The record and the certificate data keep the English line (its hash stays what it was); only the
page shows it translated. Each known form is a pattern with its Dutch wording; a part no pattern
knows (a message smartctl printed, say) is shown as it was recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from certificates.texts.formats import fmt_int

Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str], str]]


def _n(value: str, lang: str) -> str:
    return fmt_int(int(value), lang)


_WHY_NL = {
    "NVMe drives have no HPA or DCO": "NVMe-schijven hebben geen HPA of DCO",
    "a loop device has no HPA or DCO": "een loop-apparaat heeft geen HPA of DCO",
    "a virtual disk has no HPA or DCO": "een virtuele schijf heeft geen HPA of DCO",
    "hdparm is not installed": "hdparm is niet geïnstalleerd",
    "hdparm -N gave no HPA state: not ATA, or a USB bridge that does not pass the command": (
        "hdparm -N gaf geen HPA-toestand: geen ATA, of een USB-brug die de opdracht niet doorgeeft"
    ),
    # health notes
    "a loop device has no SMART": "een loop-apparaat heeft geen SMART",
    "the drive gave no SMART verdict": "de schijf gaf geen SMART-oordeel",
    "smartctl gave no answer": "smartctl gaf geen antwoord",
    "smartctl is not installed": "smartctl is niet geïnstalleerd",
    "the drive's SMART self-assessment failed": "de SMART-zelftest van de schijf is mislukt",
}


def _why(text: str) -> str:
    return _WHY_NL.get(text, text)


def _dco_nl(text: str, lang: str) -> str:
    if text == "DCO not reported":
        return "DCO niet gemeld"
    m = re.fullmatch(r"DCO real max (\d+)", text)
    return f"DCO werkelijk maximum {_n(m.group(1), lang)}" if m else text


def _hides_nl(text: str, lang: str) -> str:
    parts = []
    for part in text.split(", "):
        m = re.fullmatch(r"(HPA|DCO) hides (\d+)", part)
        parts.append(f"{m.group(1)} verbergt {_n(m.group(2), lang)}" if m else part)
    return ", ".join(parts)


_HPA_RULES: list[Rule] = [
    (re.compile(r"not applicable \((.+)\)"), lambda m, lang: f"niet van toepassing ({_why(m.group(1))})"),
    (re.compile(r"unknown \((.+)\)"), lambda m, lang: f"onbekend ({_why(m.group(1))})"),
    (
        re.compile(r"none: (\d+) of (\d+) sectors visible \(HPA disabled; (.+)\)"),
        lambda m, lang: (
            f"geen: {_n(m.group(1), lang)} van {_n(m.group(2), lang)} sectoren zichtbaar "
            f"(HPA uit; {_dco_nl(m.group(3), lang)})"
        ),
    ),
    (
        re.compile(r"hidden sectors: (\d+) of (\d+) sectors visible, (\d+) hidden \((.+)\)"),
        lambda m, lang: (
            f"verborgen sectoren: {_n(m.group(1), lang)} van {_n(m.group(2), lang)} sectoren zichtbaar, "
            f"{_n(m.group(3), lang)} verborgen ({_hides_nl(m.group(4), lang)})"
        ),
    ),
    (
        re.compile(r"restored before the erasure \((.+)\); now (.+)"),
        lambda m, lang: (
            f"vóór het wissen hersteld ({hpa_dco_line(m.group(1), lang)}); nu {hpa_dco_line(m.group(2), lang)}"
        ),
    ),
    (
        re.compile(r"HPA (enabled \(hidden area present\)|disabled): (\d+)/(\d+) sectors"),
        lambda m, lang: (
            f"HPA {'aan (verborgen gebied aanwezig)' if m.group(1) != 'disabled' else 'uit'}: "
            f"{_n(m.group(2), lang)}/{_n(m.group(3), lang)} sectoren"
        ),
    ),
    (
        re.compile(r"HPA: (.+); DCO: (.+)"),
        lambda m, lang: f"HPA: {_state_nl(m.group(1))}; DCO: {_state_nl(m.group(2))}",
    ),
]


def _state_nl(text: str) -> str:
    return {"none": "geen", "unknown": "onbekend", "?": "?"}.get(text, text)


def _translate(text: str, rules: list[Rule], lang: str) -> str | None:
    for pattern, render in rules:
        m = pattern.fullmatch(text)
        if m:
            return render(m, lang)
    return None


def hpa_dco_line(text: str, lang: str) -> str:
    """The recorded HPA/DCO line in the certificate's language."""
    if lang == "en":
        return text
    return _translate(text, _HPA_RULES, lang) or text


_VERDICT_NL = {"healthy": "gezond", "failing": "slecht", "unknown": "onbekend"}

_FIGURE_RULES: list[Rule] = [
    (re.compile(r"reallocated (\d+)"), lambda m, lang: f"vervangen sectoren {_n(m.group(1), lang)}"),
    (re.compile(r"pending (\d+)"), lambda m, lang: f"wachtende sectoren {_n(m.group(1), lang)}"),
    (re.compile(r"offline-uncorrectable (\d+)"), lambda m, lang: f"onherstelbaar (offline) {_n(m.group(1), lang)}"),
    (re.compile(r"CRC errors (\d+)"), lambda m, lang: f"CRC-fouten {_n(m.group(1), lang)}"),
    (re.compile(r"grown defects (\d+)"), lambda m, lang: f"bijgekomen defecten {_n(m.group(1), lang)}"),
    (re.compile(r"media errors (\d+)"), lambda m, lang: f"mediafouten {_n(m.group(1), lang)}"),
    (re.compile(r"used (\d+) %"), lambda m, lang: f"gebruikt {_n(m.group(1), lang)} %"),
    (re.compile(r"critical warning (\d+)"), lambda m, lang: f"kritieke waarschuwing {m.group(1)}"),
    (re.compile(r"power-on (\d+) h"), lambda m, lang: f"{_n(m.group(1), lang)} uur aan"),
    (re.compile(r"(\d+) C"), lambda m, lang: f"{m.group(1)} °C"),
]

_WORDS_NL = {
    "reallocated sectors": "vervangen sectoren",
    "pending sectors": "wachtende sectoren",
    "offline-uncorrectable sectors": "onherstelbare sectoren (offline)",
    "interface CRC errors": "CRC-fouten van de aansluiting",
    "NVMe media errors": "NVMe-mediafouten",
    "percentage used": "percentage gebruikt",
    "grown defects": "bijgekomen defecten",
    "uncorrected errors": "niet-gecorrigeerde fouten",
    "temperature (C)": "temperatuur (°C)",
}

_REASON_RULES: list[Rule] = [
    (
        re.compile(r"(.+) (\d+) > (\d+)"),
        lambda m, lang: f"{_WORDS_NL.get(m.group(1), m.group(1))} {_n(m.group(2), lang)} > {_n(m.group(3), lang)}",
    ),
    (re.compile(r"NVMe critical warning (0x[0-9a-f]+)"), lambda m, lang: f"NVMe kritieke waarschuwing {m.group(1)}"),
    (
        re.compile(r"the erasure hit (\d+) unwritable range\(s\)"),
        lambda m, lang: f"het wissen trof {_n(m.group(1), lang)} onbeschrijfbare gebied(en)",
    ),
    (
        re.compile(r"the erasure ran at ([\d.]+) MB/s, (\d+) % of its usual ([\d.]+) MB/s \(limit (\d+) %\)"),
        lambda m, lang: (
            f"het wissen liep met {m.group(1).replace('.', ',')} MB/s, {m.group(2)} % van de gewone "
            f"{m.group(3).replace('.', ',')} MB/s (grens {m.group(4)} %)"
        ),
    ),
    (
        re.compile(r"smartctl output unreadable \((.+)\)"),
        lambda m, lang: f"uitvoer van smartctl onleesbaar ({m.group(1)})",
    ),
]


def health_line(text: str, lang: str) -> str:
    """The recorded health line ("health unknown; a loop device has no SMART") in the certificate's
    language: the verdict, the figures, the reasons, each part translated when its form is known."""
    if lang == "en":
        return text
    out = []
    for part in text.split("; "):
        m = re.fullmatch(r"health (\w+)", part)
        if m:
            out.append(f"gezondheid {_VERDICT_NL.get(m.group(1), m.group(1))}")
            continue
        if part in _WHY_NL:
            out.append(_WHY_NL[part])
            continue
        pieces = part.split(", ")
        figures = [_translate(piece, _FIGURE_RULES, lang) for piece in pieces]
        if all(figures):
            out.append(", ".join(f for f in figures if f))
            continue
        out.append(_translate(part, _REASON_RULES, lang) or part)
    return "; ".join(out)


def shop_reason_line(text: str, lang: str) -> str:
    """Why the shop retired its drive: typed by a person (shown as typed), or the pool's own
    "health: REASON" line, translated as the health line's reasons are."""
    m = re.fullmatch(r"health: (.+)", text)
    if lang == "en" or not m:
        return text
    reasons = m.group(1).split("; ")
    return "gezondheid: " + "; ".join(_translate(r, _REASON_RULES, lang) or _WHY_NL.get(r, r) for r in reasons)
