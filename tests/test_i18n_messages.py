"""Dutch first for the core's refusals and the less common commands' output: the one-line `fout: …`
a technician reads is Dutch by default and English with `--lang en`."""

from __future__ import annotations

import json

import pytest

from tests.test_i18n import _run
from wipestation.common.config import Config


def _error(args: list[str], config: Config, monkeypatch: pytest.MonkeyPatch) -> str:
    result = _run(args, config, monkeypatch)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return str(lines[0])


def _customer(config: Config, monkeypatch: pytest.MonkeyPatch) -> str:
    return str(json.loads(_run(["customer", "add", "--name", "Jan", "--json"], config, monkeypatch).stdout)["id"])


def test_a_custody_refusal_is_dutch_and_english_on_request(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _error(["show", "999"], config, monkeypatch) == "fout: geen dossier of schijfserienummer '999'"
    assert _error(["--lang", "en", "show", "999"], config, monkeypatch) == "error: no record or drive serial '999'"


def test_a_customer_refusal_is_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    line = _error(["customer", "add", "--name", "Jan", "--email", "jan"], config, monkeypatch)
    assert line == "fout: geen e-mailadres: 'jan'"


def test_a_registration_refusal_is_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = _customer(config, monkeypatch)
    register = ["backup", "register", "--serial", "WD-1", "--customer", cid, "--job", "J1"]
    line = _error([*register, "--made-on", "2026-02-01"], config, monkeypatch)
    assert line == "fout: de datum waarop de back-up is gemaakt (2026-02-01) ligt in de toekomst"
    assert _run([*register, "--made-on", "2026-01-01"], config, monkeypatch).exit_code == 0
    line = _error([*register, "--made-on", "2026-01-01"], config, monkeypatch)
    assert line.startswith("fout: schijf WD-1 bevat al een open back-up (dossier 1, klant 1, te wissen op 2026-01-31)")


def test_the_less_common_commands_speak_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = _customer(config, monkeypatch)
    target = config.data_dir.parent / "klant.json"
    exported = _run(["customer", "export", cid, "-o", str(target)], config, monkeypatch)
    assert exported.exit_code == 0, exported.stderr
    assert exported.stderr.strip() == f"klant {cid} geëxporteerd naar {target}"
    register = ["backup", "register", "--serial", "WD-1", "--customer", cid, "--job", "J1", "--made-on", "2026-01-01"]
    assert _run(register, config, monkeypatch).exit_code == 0
    labels = config.data_dir.parent / "labels.pdf"
    made = _run(["label", "WD-1", "-o", str(labels)], config, monkeypatch)
    assert made.exit_code == 0, made.stderr
    assert made.stdout.startswith(f"1 etiket geschreven naar {labels} (")


def test_a_bad_date_or_capacity_is_refused_in_dutch(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _error(["due", "--on", "1 jan"], config, monkeypatch) == "fout: geen datum: '1 jan' (gebruik JJJJ-MM-DD)"
    cid = _customer(config, monkeypatch)
    line = _error(
        ["abandoned", "register", "--serial", "S1", "--model", "M", "--capacity", "veel", "--customer", cid],
        config,
        monkeypatch,
    )
    assert line == "fout: geen capaciteit: 'veel' (voorbeelden: 500GB, 2TB, 1TiB, 4096)"
