"""The object every command gets in ctx.obj. It is the core's (`wipestation.app`), which the console
builds too; re-exported here for the command modules."""

from __future__ import annotations

from wipestation.app import AppContext, Overrides

__all__ = ["AppContext", "Overrides"]
