"""`wipestation customer ...`: see, add, correct, export and anonymise what is held on a customer."""

from __future__ import annotations

from pathlib import Path

import click

from wipestation import views
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option, to_json
from wipestation.common.errors import WipestationError
from wipestation.common.files import write_private
from wipestation.common.i18n import _, kind_word, ngettext, state_word
from wipestation.common.units import parse_date
from wipestation.records import customers as svc
from wipestation.views.export import export_customer


def _line(c: dict[str, object]) -> str:
    contact = ", ".join(str(c[k]) for k in ("email", "phone") if c.get(k))
    return f"{c['id']:>5}  {c['name']}" + (f"  <{contact}>" if contact else "")


@click.group("customer")
def customer() -> None:
    """Customers: add, list, show, edit, export, anonymise."""


@customer.command("add")
@click.option("--name", required=True)
@click.option("--email")
@click.option("--phone")
@click.option("--address")
@json_option
@click.pass_obj
def add(app: AppContext, name: str, email: str | None, phone: str | None, address: str | None, as_json: bool) -> None:
    """Add a customer."""
    data = app.transaction(
        lambda s: svc.customer_to_dict(
            svc.add_customer(s, app.env, svc.CustomerInput(name=name, email=email, phone=phone, address=address))
        )
    )
    emit(data, as_json, _("customer {id} added: {name}").format(id=data["id"], name=data["name"]))


@customer.command("list")
@click.option("--search", metavar="TEXT", help="Part of a name, e-mail, phone or address.")
@json_option
@click.pass_obj
def list_(app: AppContext, search: str | None, as_json: bool) -> None:
    """List customers."""
    with app.sessions.begin() as s:
        rows = [c.to_dict() for c in views.customer_list(s, search)]
    emit(rows, as_json, [_line(r) for r in rows] or [_("no customers")])


@customer.command("show")
@click.argument("customer_id", type=int)
@json_option
@click.pass_obj
def show(app: AppContext, customer_id: int, as_json: bool) -> None:
    """Show a customer and their records."""
    with app.sessions.begin() as s:
        data = views.customer_detail(s, app.env.today(), customer_id).to_dict()
    lines = [_line(data)]
    if data.get("address"):
        lines.append(f"       {data['address']}")
    for r in data["records"]:
        lines.append(
            "       "
            + _("record {id}: {kind} {serial} {state}, due {day}").format(
                id=r["id"], kind=kind_word(r["kind"]), serial=r["serial"], state=state_word(r["state"]), day=r["due_on"]
            )
        )
    emit(data, as_json, lines)


@customer.command("edit")
@click.argument("customer_id", type=int)
@click.option("--name")
@click.option("--email")
@click.option("--phone")
@click.option("--address")
@json_option
@click.pass_obj
def edit(
    app: AppContext,
    customer_id: int,
    name: str | None,
    email: str | None,
    phone: str | None,
    address: str | None,
    as_json: bool,
) -> None:
    """Correct a customer's details."""
    with app.sessions.begin() as s:
        c = svc.edit_customer(
            s, app.env, customer_id, svc.CustomerInput(name=name, email=email, phone=phone, address=address)
        )
        data = svc.customer_to_dict(c)
    emit(data, as_json, _("customer {id} updated").format(id=customer_id))


@customer.command("export")
@click.argument("customer_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.pass_obj
def export(app: AppContext, customer_id: int, output: Path | None) -> None:
    """Everything held on the customer, as one JSON document."""
    with app.sessions.begin() as s:
        data = export_customer(s, customer_id, app.env.today())
    text = to_json(data)
    if output is None:
        click.echo(text)
    else:
        write_private(output, (text + "\n").encode("utf-8"))
        click.echo(_("exported customer {id} to {path}").format(id=customer_id, path=output), err=True)


@customer.command("anonymise")
@click.argument("customer_id", type=int)
@json_option
@click.pass_obj
def anonymise(app: AppContext, customer_id: int, as_json: bool) -> None:
    """Replace name and contact details; records and certificate numbers are kept."""
    data = app.transaction(lambda s: svc.customer_to_dict(svc.anonymise_customer(s, app.env, customer_id)))
    _scrubbed_or_pending(app, _("customer {id} anonymised").format(id=customer_id))
    emit(data, as_json, _("customer {id} anonymised: now '{name}'").format(id=customer_id, name=data["name"]))


@customer.command("purge-expired")
@click.option("--on", "on", metavar="DATE", help="Judge expiry on DATE (default today).")
@click.option("--dry-run", is_flag=True, help="Only list who would be anonymised.")
@json_option
@click.pass_obj
def purge_expired(app: AppContext, on: str | None, dry_run: bool, as_json: bool) -> None:
    """Anonymise customers whose records are older than the record-retention period (7 years)."""
    day = parse_date(on) if on is not None else app.env.today()
    with app.sessions.begin() as s:
        expired = svc.expired_customers(s, app.env, day)
        ids = [c.id for c in expired]
        if not dry_run:
            for cid in ids:
                svc.anonymise_customer(s, app.env, cid, reason="record retention period ended")
    if not dry_run and ids:
        _scrubbed_or_pending(
            app, ngettext("{n} customer anonymised", "{n} customers anonymised", len(ids)).format(n=len(ids))
        )
    done = (
        ngettext("would anonymise {n} customer: {ids}", "would anonymise {n} customers: {ids}", len(ids))
        if dry_run
        else ngettext("anonymised {n} customer: {ids}", "anonymised {n} customers: {ids}", len(ids))
    )
    emit({"dry_run": dry_run, "customers": ids}, as_json, done.format(n=len(ids), ids=ids))


class ScrubPending(WipestationError):
    """The values are replaced, but their old copies are still in the database's files."""


def _scrubbed_or_pending(app: AppContext, done: str) -> None:
    if not app.scrub_freed_space():
        raise ScrubPending(
            _(
                "{done}: the values are replaced, but another process is still using the database, so the old "
                "text is still in its files; the scrub is pending and finishes at the next wipestation command"
            ).format(done=done)
        )


COMMANDS = [customer]
