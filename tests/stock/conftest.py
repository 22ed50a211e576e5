"""The stock tests use the erasure tests' tmpfs fixture for their loop devices."""

from __future__ import annotations

from tests.erasure.conftest import memdir

__all__ = ["memdir"]
