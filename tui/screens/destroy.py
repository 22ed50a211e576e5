"""Record the physical destruction of due abandoned disks, and of the shop's own retired drives queued
for destruction (one batch, one certificate per drive)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy.orm import Session
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, SelectionList

from tui.queries import due_rows
from tui.screens.form import FormScreen
from tui.texts import K_, _, method_word, ngettext
from tui.widgets import Field
from wipestation.common.errors import WipestationError
from wipestation.common.units import parse_date
from wipestation.destruction.destroying import METHODS, DestructionRequest, destroy, parse_level
from wipestation.records.retention import days_text

if TYPE_CHECKING:
    from tui.console import Console

DESTROYABLE_KINDS = ("abandoned", "shop")  # shop: the shop's own retired drive (no customer)
LEVELS = [f"H-{n}" for n in range(1, 8)] + [f"E-{n}" for n in range(1, 8)]


class LevelSelect(Select[str]):
    """The DIN 66399 level, set from the keyboard without opening the list: a digit 1-7 picks that
    level of the kind shown (H or E), `h` and `e` switch the kind (the list still opens on enter)."""

    def on_key(self, event: events.Key) -> None:
        if self.expanded:
            return
        current = str(self.value)
        kind, number = current[0], current[2]
        key = (event.character or "").lower()
        if key and key in "1234567":
            number = key
        elif key in ("h", "e"):
            kind = key.upper()
        else:
            return
        event.stop()
        event.prevent_default()
        self.value = f"{kind}-{number}"


class DestroyScreen(FormScreen[list[str] | None]):
    """Dismisses with the certificate numbers issued."""

    FIELD_NAMES = {"refs": "records"}  # the DestructionRequest's name for the selected disks

    BINDINGS = [Binding("escape", "cancel", K_("Cancel")), Binding("ctrl+s", "submit", K_("Record destruction"))]

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        services = self.wapp.services
        with services.sessions.begin() as s:
            rows = due_rows(s, services.env.today(), kinds=DESTROYABLE_KINDS)  # SQL: not every due backup
        choices = [
            (f"{r.id:>5}  {r.serial:<20} {r.customer_name[:24]:<24} {days_text(r.days_left)}", r.id) for r in rows
        ]
        minimum = services.env.config.destruction.min_level_magnetic
        with Vertical(classes="dialog", id="destroy-dialog"):
            yield Label(_("Destroy due abandoned disks"), classes="dialog-title")
            yield Field(_("Disks (space to select)"), SelectionList[int](*choices, id="records"), name="records")
            yield Field(  # first after the disks: the level is what changes most often
                _("DIN 66399 level (H for magnetic disks, E for flash; type 1-7, h or e)"),
                LevelSelect([(lv, lv) for lv in LEVELS], value=minimum, allow_blank=False, id="level"),
                name="level",
            )
            yield Field(_("Witness"), Input(id="witness"), name="witness")
            yield Field(_("Evidence files (photos; separate with ;)"), Input(id="evidence"), name="evidence")
            yield Field(
                _("Method"),
                Select([(method_word(m), m) for m in METHODS], value="shred", allow_blank=False, id="method"),
                name="method",
            )
            today = services.env.today().isoformat()
            yield Field(_("Destroyed on (YYYY-MM-DD)"), Input(value=today, id="on"), name="on")
            yield Field(_("Shop asset tag (one disk; optional)"), Input(id="asset_tag"), name="asset_tag")
            yield from self.form_footer(_("Record destruction"), variant="error")

    def on_mount(self) -> None:
        self.query_one("#records", SelectionList).focus()

    def action_submit(self) -> None:
        if self.busy:
            return
        errors: dict[str, str] = {}
        selected: list[int] = list(self.query_one("#records", SelectionList).selected)
        if not selected:
            errors["records"] = _("select at least one disk")
        method = str(self.query_one("#method", Select).value)
        level = str(self.query_one("#level", Select).value)
        try:
            level = parse_level(level)
        except WipestationError as exc:
            errors["level"] = str(exc)
        evidence = [
            Path(p.strip()).expanduser() for p in self.query_one("#evidence", Input).value.split(";") if p.strip()
        ]
        missing = [str(p) for p in evidence if not p.is_file()]
        if missing:
            errors["evidence"] = _("not a file: {paths}").format(paths=", ".join(missing))
        on = None
        try:
            on = parse_date(self.query_one("#on", Input).value)
        except WipestationError as exc:
            errors["on"] = str(exc)
        witness = self.query_one("#witness", Input).value.strip() or None
        asset_tag = self.query_one("#asset_tag", Input).value.strip() or None
        if asset_tag is not None and len(selected) > 1:
            errors["asset_tag"] = _("an asset tag names one disk: select only that disk")
        self.show_errors(errors)
        if errors:
            return
        request = DestructionRequest(
            refs=tuple(str(i) for i in selected),
            method=method,
            level=level,
            witness=witness,
            evidence=tuple(evidence),
            on=on,
            asset_tag=asset_tag,
        )
        services = self.wapp.services
        wapp = self.wapp

        def work(session: Session) -> list[str]:
            # rendering and signing (pyHanko runs its own event loop) happen here, in a worker
            return [r.certificate for r in destroy(session, services.env, wapp.renderer(), request)]

        self.write_in_background(work, self._destroyed, _("Recording the destruction and signing the certificates…"))

    def _destroyed(self, numbers: list[str]) -> None:
        text = ngettext(
            "{n} disk destroyed; certificate {numbers}", "{n} disks destroyed; certificates {numbers}", len(numbers)
        )
        self.notify(text.format(n=len(numbers), numbers=", ".join(numbers)), title=_("Destruction"))
        self.wapp.changed()
        self.dismiss(numbers)
