"""A live refresh of a long table costs the UI thread little: the cursor's row is found near where it
was, and only the visible lines whose row changed are drawn again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.rowtable import RowTable


@dataclass(frozen=True)
class Row:
    id: int
    text: str


class CountingTable(RowTable[Row]):
    drawn: list[int]

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = CountingTable([("Id", 6), ("Text", 0)], lambda r: [(str(r.id), ""), (r.text, "")], id="t")
        table.drawn = []
        yield table


ROWS = [Row(i, f"row {i}") for i in range(10_000)]


def _table(app: Any) -> CountingTable:
    return app.query_one("#t", CountingTable)  # type: ignore[no-any-return]


async def test_one_changed_row_redraws_one_line_and_the_cursor_stays_on_its_row() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = _table(app)
        table.set_rows(list(ROWS), key=lambda r: r.id)
        table.focus()
        table.move_to(5)
        await pilot.pause()
        table.drawn.clear()
        changed = list(ROWS)
        changed[3] = replace(changed[3], text="row 3, now held")
        table.set_rows(changed, key=lambda r: r.id)
        await pilot.pause()
        assert table.drawn == [4]  # line 0 is the header: row 3 is line 4
        assert table.current == ROWS[5]
        # nothing changed on screen: nothing drawn
        table.drawn.clear()
        table.set_rows(list(changed), key=lambda r: r.id)
        await pilot.pause()
        assert table.drawn == []
        # a row inserted above the cursor: the cursor follows its record, the screen is redrawn
        table.set_rows([Row(-1, "new"), *changed], key=lambda r: r.id)
        await pilot.pause()
        assert table.current == ROWS[5] and table.cursor_row == 6
        # the cursor's record far away (the list re-sorted): still found
        table.set_rows(list(reversed(changed)), key=lambda r: r.id)
        assert table.current == ROWS[5] and table.cursor_row == 10_000 - 1 - 5


def test_reused_rows_keep_the_shown_objects_of_unchanged_rows() -> None:
    from tui.rowtable import reuse_rows

    old = [Row(i, f"row {i}") for i in range(5)]
    new = [Row(i, f"row {i}") for i in range(5)]
    new[2] = Row(2, "changed")
    out = reuse_rows(old, [*new, Row(9, "new")], lambda r: r.id)
    assert [r is o for r, o in zip(out, old, strict=False)] == [True, True, False, True, True]
    assert out[2].text == "changed" and out[5] == Row(9, "new")
