"""A refusal of the core shown in a console form, in Dutch (the console's default language)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input

from tests.tui.conftest import add_customers
from tui.screens.register import RegisterScreen
from tui.widgets import Field
from wipestation.common import i18n


@pytest.fixture
def dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


async def test_the_register_form_shows_the_cores_refusal_in_dutch(dutch: None, make_app, store, env) -> None:
    add_customers(store, env, "Anna Voorbeeld")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        for name, value in (
            ("serial", "S3Z9NB0K"),
            ("model", "Samsung 860 EVO"),
            ("capacity", "500GB"),
            ("customer", "9"),
            ("started", env.today().isoformat()),
        ):
            screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()  # the service runs in a worker
        await pilot.pause()
        assert screen.query_one("#field-customer", Field).error == "geen klant met nummer 9"
