"""Batches cut into power-of-two chunks, so the CPU sees a handful of shapes.

glibc's allocator keeps the memory a freed tensor leaves behind and carves new tensors from
it; when every batch has a new size, the holes never fit again and resident memory climbs in
steps for thousands of analyses (+330 MB against +76 MB over 600 random batches of the
bundled expression net, benchmarks/memory_shapes.py). With sizes 1, 2, 4 ... 32 every shape
recurs within a few batches, the heap settles during warm-up, and no face is padded.
"""

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def power_of_two_chunks(items: Sequence[T]) -> list[list[T]]:
    """`items` in order, as chunks whose sizes are the binary digits of its length (21 = 16+4+1)."""
    chunks: list[list[T]] = []
    start = 0
    for bit in reversed(range(len(items).bit_length())):
        size = 1 << bit
        if len(items) & size:
            chunks.append(list(items[start : start + size]))
            start += size
    return chunks
