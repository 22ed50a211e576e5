"""A form shows a refusal from the core beside the field the error says it is about (`error.field`),
never by matching words in the message."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, Static

from tests.tui.conftest import add_customers
from tui.screens.customers import CustomerForm
from tui.screens.register import RegisterScreen
from tui.widgets import Field
from wipestation.common.errors import BadValue, InvalidState
from wipestation.records.customers import anonymise_customer


async def test_the_error_names_its_field_the_message_does_not_matter(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        form = CustomerForm()
        await app.push_screen(form)
        await pilot.pause()
        form.show_service_error(BadValue("this text names no field at all", field="phone"))
        assert form.query_one("#field-phone", Field).error == "this text names no field at all"
        # a field word in the message, but an error about no field: under the form, not beside e-mail
        form.show_service_error(InvalidState("the email address book is locked"))
        assert not form.query_one("#field-email", Field).error
        assert str(form.query_one("#form-error", Static).content) == "the email address book is locked"
        # a field this form does not have: under the form
        form.show_service_error(BadValue("too late", field="started_on"))
        assert str(form.query_one("#form-error", Static).content) == "too late"


async def test_a_service_refusal_from_a_worker_lands_beside_its_field(make_app, store, env) -> None:
    """The register form's customer field is the Registration's `customer_id`: an anonymised customer
    is refused by the service, in the worker, and the refusal is shown beside it."""
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        anonymise_customer(s, env, cid)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        screen = RegisterScreen("abandoned", None)
        await app.push_screen(screen)
        await pilot.pause()
        for name, value in (
            ("serial", "S3Z9NB0K"),
            ("model", "Samsung 860 EVO"),
            ("capacity", "500GB"),
            ("customer", str(cid)),
            ("started", (env.today() - timedelta(days=1)).isoformat()),
        ):
            screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = screen.query_one("#field-customer", Field).error
        assert error is not None and error.startswith(f"customer {cid} is anonymised")
        assert str(screen.query_one("#form-error", Static).content) == ""
