"""`wipestation --lang nl certificate ...`: the refusals of pdf, send and revoke are one Dutch line."""

from __future__ import annotations

import pytest

from tests.conftest import Cli

DUTCH = [
    (["pdf", "WS-2026-000009"], "fout: geen certificaat WS-2026-000009"),
    (["send", "WS-2026-000009", "--to", "a@b.nl"], "fout: geen certificaat WS-2026-000009"),
    (
        ["revoke", "WS-2026-000009", "--reason", " "],
        "fout: --reason is leeg: zeg waarom het certificaat wordt ingetrokken",
    ),
]


@pytest.mark.parametrize(("args", "expected"), DUTCH, ids=[" ".join(a[:1] + a[-1:]) for a, _ in DUTCH])
def test_a_certificate_refusal_is_one_dutch_line(cli: Cli, args: list[str], expected: str) -> None:
    assert cli("list").exit_code == 0  # the store exists
    before = cli.snapshot()
    result = cli("--lang", "nl", "certificate", *args)
    assert result.exit_code != 0, result.stdout
    assert result.stderr.strip() == expected
    assert cli.snapshot() == before
