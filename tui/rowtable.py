"""A virtual table: rows are kept as plain data and only the visible lines are formatted and drawn
(Textual's line API), so 10 000 records open at once. Keyboard: up/down/page/home/end, Enter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.texts import _

T = TypeVar("T")
Cell = tuple[str, str]  # text, rich style
Column = tuple[str, int]  # label (translated when drawn: mark it with N_), width (0: the rest)


class RowTable(ScrollView, Generic[T], can_focus=True):
    DEFAULT_CSS = """
    RowTable { height: 1fr; }
    RowTable > .rowtable--header { text-style: bold; color: $text-accent; }
    RowTable > .rowtable--cursor { background: $block-cursor-blurred-background; }
    RowTable:focus > .rowtable--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    RowTable > .rowtable--odd { background: $surface-lighten-1 20%; }
    """
    COMPONENT_CLASSES = {"rowtable--header", "rowtable--cursor", "rowtable--odd"}
    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    class Selected(Message):
        def __init__(self, table: RowTable[Any], index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> RowTable[Any]:
            return self.table

    def __init__(
        self, columns: Sequence[Column], format_row: Callable[[T], Sequence[Cell]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.format_row = format_row
        self.rows: list[T] = []

    # --- data -------------------------------------------------------------------------------

    def set_rows(
        self,
        rows: list[T],
        *,
        keep: Callable[[T], bool] | None = None,
        key: Callable[[T], object] | None = None,
    ) -> None:
        """Show `rows`. The cursor stays on the row with the same `key` (or the first row `keep`
        accepts); only the visible lines whose row changed are redrawn (a live refresh that changed
        nothing on screen costs no drawing), and the cursor's row is found near where it was."""
        old, old_cursor = self.rows, self.cursor_row
        self.rows = rows
        if len(rows) != len(old) or not self.virtual_size.height:
            self.virtual_size = Size(self.full_width(), len(rows) + 1)
        index: int | None = None
        if key is not None:
            if old_cursor < len(old):
                index = _find(rows, key, key(old[old_cursor]), old_cursor)
        elif keep is not None:
            index = next((i for i, r in enumerate(rows) if keep(r)), None)
        top = int(self.scroll_y)
        self.cursor_row = index if index is not None else min(self.cursor_row, max(0, len(rows) - 1))
        self._scroll_to_cursor()
        if int(self.scroll_y) != top or self.cursor_row != old_cursor:
            self.refresh()
            return
        width = self.size.width
        for y in range(max(0, self.size.height - 1)):
            i = top + y
            if old[i : i + 1] != rows[i : i + 1]:
                self.refresh(Region(0, y + 1, width, 1))

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current(self) -> T | None:
        return self.rows[self.cursor_row] if self.rows else None

    def cell_text(self, row: int, column: int) -> str:
        return self.format_row(self.rows[row])[column][0]

    def move_to(self, index: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(index, len(self.rows) - 1))

    # --- drawing ----------------------------------------------------------------------------

    def _widths(self) -> list[int]:
        """Column widths for the current size: a negative width is a minimum that shares the
        room a wide terminal leaves (at most twice the minimum); 0 is the rest."""
        fixed = sum(abs(w) + 1 for _, w in self.columns) + 1
        flexible = [i for i, (_, w) in enumerate(self.columns) if w < 0]
        spare = max(0, self.size.width - fixed - 20)
        widths = [abs(w) for _, w in self.columns]
        for i in flexible:
            widths[i] += min(widths[i], spare // len(flexible))
        return widths

    def full_width(self) -> int:
        """Every column at its width, the last one at least REST wide: what scrolling (left, right)
        reaches when the terminal is narrower."""
        return sum(w + 1 for w in self._widths()) + 1 + (REST if any(w == 0 for _, w in self.columns) else 0)

    def _cells(self, cells: Sequence[Cell], base: Style) -> list[Segment]:
        segments: list[Segment] = [Segment(" ", base)]
        avail = max(self.size.width, self.full_width()) - 1
        for (text, style), width in zip(cells, self._widths(), strict=False):
            w = width if width else max(0, avail)
            text = text[:w].ljust(w) if width else text[:w]
            segments.append(Segment(text, base + Style.parse(style) if style else base))
            segments.append(Segment(" ", base))
            avail -= w + 1
            if avail <= 0:
                break
        return segments

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("rowtable--header")
            cells = [(_(label), "") for label, _width in self.columns]
            return Strip(self._cells(cells, style)).crop(scroll_x, scroll_x + width).extend_cell_length(width, style)
        index = scroll_y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        style = base
        if index % 2:
            style = style + self.get_component_rich_style("rowtable--odd")
        if index == self.cursor_row:
            style = style + self.get_component_rich_style("rowtable--cursor")
        strip = Strip(self._cells(self.format_row(self.rows[index]), style))
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, style)

    # --- moving -----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.full_width(), len(self.rows) + 1)

    def watch_cursor_row(self, _old: int, _new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor_row + direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        self.move_to(where if where >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor_row and event.chain >= 2:
                self.action_select()
            self.cursor_row = index


REST = 30  # the last column's width (at least) when the table is scrolled sideways
NEAR = 64  # how far around its old place a row is looked for before the whole list is searched


def _find(rows: Sequence[T], key: Callable[[T], object], wanted: object, hint: int) -> int | None:
    """The index of the row whose key is `wanted`: first near `hint` (a refresh rarely moves it far)."""
    lo, hi = max(0, hint - NEAR), min(len(rows), hint + NEAR + 1)
    for i in range(min(hint, hi - 1), lo - 1, -1) if hi > lo else ():
        if key(rows[i]) == wanted:
            return i
    for i in range(hint + 1, hi):
        if key(rows[i]) == wanted:
            return i
    return next((i for i, r in enumerate(rows) if key(r) == wanted), None)


def reuse_rows(old: Sequence[T], new: list[T], key: Callable[[T], object]) -> list[T]:
    """`new`, with every row equal to one already shown replaced by that (same) object. Run in the
    worker that read `new`: the UI thread then frees only the rows that changed, not a whole list of
    10 000 (which alone cost it tens of milliseconds), and unchanged lines compare by identity."""
    if not old:
        return new
    shown = {key(r): r for r in old}
    out: list[T] = []
    for row in new:
        same = shown.get(key(row))
        out.append(same if same is not None and same == row else row)
    return out
