"""Where a sampled verification reads: NIST SP 800-88 style, at least 1000 subsections across the
whole LBA range, two pseudorandom samples in each (one per half, so they never overlap) plus the
first and the last block, about 10 % of the device in all. The seed makes the plan reproducible."""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass

MIN_SUBSECTIONS = 1000
TARGET_FRACTION = 0.10
MAX_SUBSECTION = 256 << 20  # more subsections on big disks keep each sample a short read


@dataclass(frozen=True)
class SamplePlan:
    seed: str
    subsections: int
    ranges: tuple[tuple[int, int], ...]  # (offset, length), sorted, not overlapping

    @property
    def bytes(self) -> int:
        return sum(length for _, length in self.ranges)

    def coverage(self, size: int) -> float:
        return self.bytes / size if size else 0.0


def new_seed() -> str:
    return secrets.token_hex(16)


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge [start, end) ranges that touch or overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def sample_plan(size: int, block: int, seed: str, *, fraction: float = TARGET_FRACTION) -> SamplePlan:
    """The sample ranges for a device of `size` bytes with logical block size `block`."""
    blocks = size // block
    if blocks < 4:
        return SamplePlan(seed, 1, ((0, size),))
    rng = random.Random(seed)
    subsections = max(MIN_SUBSECTIONS, math.ceil(size / MAX_SUBSECTION))
    subsections = max(1, min(subsections, blocks // 2))  # each half-subsection holds a block at least
    spans: list[tuple[int, int]] = [(0, block), (size - block, size)]
    for i in range(subsections):
        first = blocks * i // subsections
        last = blocks * (i + 1) // subsections
        half = (last - first) // 2
        sample = max(1, min(half, math.ceil((last - first) * fraction / 2)))
        for half_start, half_len in ((first, half), (first + half, last - first - half)):
            start = half_start + rng.randrange(0, half_len - sample + 1)
            spans.append((start * block, (start + sample) * block))
    ranges = tuple((s, e - s) for s, e in merge_ranges(spans))
    return SamplePlan(seed, subsections, ranges)
