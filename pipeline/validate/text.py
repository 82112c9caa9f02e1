"""Byte-level scans of text columns: lengths, first and last characters, markup, controls."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.arrow import flags, values


def _lut(members: list[int]) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[members] = True
    return table


FORMULA_START = _lut([ord("="), ord("+"), ord("@")])
NUMBER_AFTER_MINUS = _lut([*range(ord("0"), ord("9") + 1), ord(".")])
SPACE_BYTES = _lut([9, 10, 11, 12, 13, 28, 29, 30, 31, 32])
# Lead and last bytes of the UTF-8 forms of non-ASCII characters str.isspace() accepts:
# U+0085 and U+00A0 (C2 xx), U+1680 (E1 9A 80), U+2000-U+200A, U+2028, U+2029, U+202F
# (E2 80 xx), U+205F (E2 81 9F) and U+3000 (E3 80 80).
UNICODE_LEAD = _lut([0xC2, 0xE1, 0xE2, 0xE3])
UNICODE_LAST = _lut([0x85, 0xA0, *range(0x80, 0x8B), 0xA8, 0xA9, 0xAF, 0x9F])
C2_SPACE = _lut([0x85, 0xA0])
E280_SPACE = _lut([*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF])
FORMULA, MINUS, SPACE, HEAD_UNICODE, TAIL_UNICODE = 1, 2, 4, 8, 16
FIRST_MARKS = (
    FORMULA * FORMULA_START
    + MINUS * _lut([ord("-")])
    + SPACE * SPACE_BYTES
    + HEAD_UNICODE * UNICODE_LEAD
).astype(np.uint8)
LAST_MARKS = (SPACE * SPACE_BYTES + TAIL_UNICODE * UNICODE_LAST).astype(np.uint8)
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
MARKUP = r"<[A-Za-z/!?]"


def lengths(raw: pa.ChunkedArray) -> np.ndarray:
    """Return each cell's length in bytes (an upper bound of its length in characters)."""
    if raw.type != pa.string() or raw.null_count:
        return values(pc.binary_length(raw))
    parts = [_chunk_lengths(chunk) for chunk in raw.chunks if len(chunk)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def _chunk_lengths(chunk: pa.Array) -> np.ndarray:
    n = len(chunk)
    return np.diff(
        np.frombuffer(chunk.buffers()[1], np.int32, count=n + 1, offset=chunk.offset * 4)
    )


def holding(raw: pa.ChunkedArray, byte: int) -> np.ndarray:
    """Return which cells hold an ASCII byte: one numpy pass over the text, not per cell."""
    if raw.type != pa.string():
        return flags(pc.match_substring(raw, chr(byte)))
    parts = [_chunk_holding(chunk, byte) for chunk in raw.chunks if len(chunk)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _chunk_holding(chunk: pa.Array, byte: int) -> np.ndarray:
    n = len(chunk)
    found = np.zeros(n, dtype=bool)
    buffers = chunk.buffers()
    if buffers[2] is None or buffers[2].size == 0:
        return found
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=chunk.offset * 4)
    low, high = int(offsets[0]), int(offsets[-1])
    text = np.frombuffer(buffers[2], dtype=np.uint8)[low:high]
    hits = np.flatnonzero(text == byte) + low
    found[np.searchsorted(offsets, hits, side="right") - 1] = True
    return found


def markup(raw: pa.ChunkedArray) -> np.ndarray:
    """Return which cells hold something like an HTML tag."""
    return flags(pc.match_substring_regex(raw, MARKUP))


def controls(raw: pa.ChunkedArray) -> np.ndarray:
    """Return which cells hold a control character other than tab and line ends."""
    return flags(pc.match_substring_regex(raw, CONTROL))


def edge_flags(raw: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Return which cells start like a formula and which start or end with whitespace."""
    parts = [_chunk_edges(chunk) for chunk in raw.chunks if len(chunk)]
    if not parts:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _chunk_edges(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    n = len(chunk)
    buffers = chunk.buffers()
    if buffers[2] is None or buffers[2].size == 0:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=chunk.offset * 4)
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    # For empty cells these bytes belong to a neighbour; only filled cells are looked at.
    # np.take with mode="clip" is numpy's fast gather; fancy indexing is several times dearer.
    first = np.take(data, starts, mode="clip")
    last = np.take(data, ends - 1, mode="clip")
    marks = np.take(FIRST_MARKS, first)
    marks |= np.take(LAST_MARKS, last)
    marks[ends <= starts] = 0
    formula, spaced = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    rows = np.flatnonzero(marks != 0)
    if not rows.size:
        return formula, spaced
    marks, starts, ends = marks[rows], starts[rows], ends[rows]
    second = _at(data, starts + 1, ends - starts >= 2)
    formula[rows] = (marks & FORMULA) > 0
    formula[rows] |= ((marks & MINUS) > 0) & (ends - starts >= 2) & ~NUMBER_AFTER_MINUS[second]
    spaced[rows] = (marks & SPACE) > 0
    size = ends - starts
    head = np.flatnonzero((marks & HEAD_UNICODE) > 0)
    if head.size:
        # A C2 lead is only a space before 85 or A0, which rules out "µ" (C2 B5) at once.
        head = head[(data[starts[head]] != 0xC2) | C2_SPACE[second[head]]]
        bytes_ = [_at(data, starts[head] + k, size[head] > k) for k in range(3)]
        spaced[rows[head]] |= _unicode_space(bytes_[:2], bytes_)
    tail = np.flatnonzero((marks & TAIL_UNICODE) > 0)
    if tail.size:
        bytes_ = [_at(data, ends[tail] - 3 + k, size[tail] >= 3 - k) for k in range(3)]
        spaced[rows[tail]] |= _unicode_space(bytes_[1:], bytes_)
    return formula, spaced


def _unicode_space(two: list[np.ndarray], three: list[np.ndarray]) -> np.ndarray:
    """Return where the bytes spell a non-ASCII space: two = bytes 1-2, three = bytes 1-3."""
    a, b = two
    found = (a == 0xC2) & C2_SPACE[b]
    x, y, z = three
    found |= (x == 0xE2) & (y == 0x80) & E280_SPACE[z]
    found |= (x == 0xE2) & (y == 0x81) & (z == 0x9F)
    found |= (x == 0xE1) & (y == 0x9A) & (z == 0x80)
    found |= (x == 0xE3) & (y == 0x80) & (z == 0x80)
    return found


def _at(data: np.ndarray, index: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Return data[index] where inside holds, else 0."""
    found = np.take(data, index, mode="clip")
    found *= inside
    return found


def edge_bytes(raw: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each cell's first byte, last byte and fourth byte from the end (0 if none)."""
    parts = [_chunk_bytes(chunk) for chunk in raw.chunks if len(chunk)]
    if not parts:
        empty = np.zeros(0, dtype=np.uint8)
        return empty, empty, empty
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))  # type: ignore[return-value]


def _chunk_bytes(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(chunk)
    buffers = chunk.buffers()
    if buffers[2] is None or buffers[2].size == 0:
        zeros = np.zeros(n, dtype=np.uint8)
        return zeros, zeros, zeros
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=chunk.offset * 4)
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    size = ends - starts
    return (
        _at(data, starts, size > 0),
        _at(data, ends - 1, size > 0),
        _at(data, ends - 4, size >= 4),
    )
