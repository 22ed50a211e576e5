"""The erase dialog preselects the method the core recommends for the drive (with its
verification), once the drive's own answer is in; a method the technician picked stays."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import OptionList, Select

from tests.tui.conftest import METHODS, FakeEraser, FakeWatcher, disk
from tests.tui.test_erase_flow import due_backup
from tui.screens.erase import EraseScreen
from wipestation.common.devices import DetectedDrive
from wipestation.erasure.run import MethodOffer


class RecommendingEraser(FakeEraser):
    def methods(self, drive: DetectedDrive, *, probe: bool = True) -> list[MethodOffer]:
        listed = super().methods(drive, probe=probe)
        if not probe:
            return listed
        return [replace(m, recommended=True, recommended_verify="sample") if m.name == "random" else m for m in listed]


async def test_the_recommended_method_is_preselected_after_the_probe(
    make_app, store, env, watcher: FakeWatcher
) -> None:
    due_backup(store, env, "WD-REC-0001")
    eraser = RecommendingEraser()
    app = make_app(eraser=eraser)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        watcher.attach(disk("/dev/sdc", "WD-REC-0001"))
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, EraseScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        methods = app.screen.query_one("#method", OptionList)
        assert methods.highlighted is not None and app.screen.methods[methods.highlighted].name == "random"
        assert app.screen.query_one("#verify", Select).value == "sample"
        assert "(recommended)" in str(methods.get_option("random").prompt)
        await pilot.press(*"C-0001", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert [(c.method, c.verify) for c in eraser.calls] == [("random", "sample")]
    assert [m.name for m in METHODS][:2] == ["zero", "random"]  # zero would have been the first supported
