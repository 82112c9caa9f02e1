"""Scan raw CSV bytes with numpy: record boundaries (newlines outside quotes) and features."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

SCAN_CHUNK = 1 << 22
TAB, NEWLINE, CR, QUOTE, COMMA, DELETE = 9, 10, 13, 34, 44, 127


@dataclass(frozen=True)
class ByteScan:
    """Where the bytes that shape a CSV file are, and counts for the cell scans."""

    newlines: np.ndarray
    quotes: np.ndarray
    carriage_returns: np.ndarray
    has_markup: bool
    has_control: bool
    has_question: bool  # a "?", which may stand for a character a code page lost


@dataclass(frozen=True)
class Records:
    """The non-empty records of a file and the empty lines between them.

    For each record: byte start, byte end (without the line ending), first physical line,
    row number (counting empty lines, as Frictionless does; the header is 1) and whether
    a quoted newline makes it span lines.
    """

    starts: np.ndarray
    ends: np.ndarray
    lines: np.ndarray
    numbers: np.ndarray
    multiline: np.ndarray
    unclosed: bool
    empty_lines: np.ndarray
    empty_numbers: np.ndarray


def utf8_valid(data: bytes) -> bool:
    """Return True when the bytes are valid UTF-8, checked by Arrow without copying."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32).tobytes())
    try:
        pa.StringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def scan_bytes(data: bytes) -> ByteScan:
    """Find newlines, quotes and carriage returns, and note markup and control bytes."""
    arr = np.frombuffer(data, dtype=np.uint8)
    begins = list(range(0, len(arr), SCAN_CHUNK))
    workers = min(os.cpu_count() or 1, len(begins))
    if workers > 1:
        share = -(-len(begins) // workers)
        with ThreadPoolExecutor(workers) as pool:  # numpy releases the GIL in these loops
            parts = list(
                pool.map(lambda i: _scan(arr, begins[i : i + share]), range(0, len(begins), share))
            )
    else:
        parts = [_scan(arr, begins)]
    newlines, quotes, returns = (_joined([a for p in parts for a in p[k]]) for k in range(3))
    control = any(p[3] for p in parts) or data.find(bytes([DELETE])) >= 0
    markup, question = data.find(b"<") >= 0, data.find(b"?") >= 0  # memchr, not numpy
    return ByteScan(newlines, quotes, returns, markup, control, question)


def _scan(arr: np.ndarray, begins: list[int]) -> tuple[list, list, list, bool]:
    """Scan the chunks starting at begins: newlines, quotes, CRs, and any control byte."""
    found: dict[int, list[np.ndarray]] = {NEWLINE: [], QUOTE: [], CR: []}
    control = False
    hit_buffer = np.empty(min(SCAN_CHUNK, max(len(arr), 1)), dtype=bool)
    for begin in begins:
        chunk = arr[begin : begin + SCAN_CHUNK + 1]  # one byte more, for C2 xx pairs
        hit = hit_buffer[: len(chunk) - (begin + SCAN_CHUNK < len(arr))]
        body = chunk[: len(hit)]
        for byte in (NEWLINE, QUOTE):
            np.equal(body, byte, out=hit)
            found[byte].append(np.flatnonzero(hit).astype(np.int32) + begin)
        below_space = np.count_nonzero(np.less(body, 32, out=hit))
        if below_space > len(found[NEWLINE][-1]):
            np.equal(body, CR, out=hit)
            found[CR].append(np.flatnonzero(hit).astype(np.int32) + begin)
            tabs = np.count_nonzero(np.equal(body, TAB, out=hit))
            control |= below_space > len(found[NEWLINE][-1]) + len(found[CR][-1]) + tabs
        control = control or _c1(chunk)
    return found[NEWLINE], found[QUOTE], found[CR], control


def _c1(chunk: np.ndarray) -> bool:
    """Return True when the bytes hold a C1 control character, UTF-8 C2 80 to C2 9F."""
    leads = np.flatnonzero(chunk[:-1] == 0xC2)
    if not leads.size:
        return False
    follow = chunk[leads + 1]
    return bool(((follow >= 0x80) & (follow <= 0x9F)).any())


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)


def scan_records(data: bytes, start: int, scan: ByteScan) -> Records | None:
    """Return the records of the bytes, or None when quoting or line ends defeat the scan."""
    arr = np.frombuffer(data, dtype=np.uint8)
    returns, newlines, quotes = scan.carriage_returns, scan.newlines, scan.quotes
    if returns.size and not (arr[np.minimum(returns + 1, len(arr) - 1)] == NEWLINE).all():
        return None
    if returns.size and returns[-1] == len(arr) - 1:
        return None
    if quotes.size and not _well_formed(arr, quotes, start):
        return None
    size = len(data)
    boundary = _boundaries(quotes, newlines)
    bounds = newlines if boundary is None else newlines[boundary]
    count = len(bounds) + 1
    starts, ends = np.empty(count, dtype=np.int32), np.empty(count, dtype=np.int32)
    starts[0], ends[-1] = start, size
    np.add(bounds, 1, out=starts[1:])
    ends[:-1] = bounds
    if boundary is None:
        lines, multiline = np.arange(1, count + 1, dtype=np.int32), np.zeros(count, dtype=bool)
    else:
        lines = np.concatenate(([1], boundary + 2)).astype(np.int32)
        multiline = np.diff(np.concatenate(([-1], boundary, [len(newlines)]))) > 1
    if returns.size:
        ends -= (ends > starts) & (np.take(arr, ends - 1, mode="clip") == CR)
    keep = ends > starts
    numbers = np.arange(1, len(starts) + 1, dtype=np.int32)
    empty = ~keep & (starts < size)
    if keep.all():
        return Records(starts, ends, lines, numbers, multiline, bool(quotes.size % 2), *EMPTY)
    return Records(
        starts[keep],
        ends[keep],
        lines[keep],
        numbers[keep],
        multiline[keep],
        bool(quotes.size % 2),
        lines[empty],
        numbers[empty],
    )


EMPTY = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int32))


def _boundaries(quotes: np.ndarray, newlines: np.ndarray) -> np.ndarray | None:
    """Return the indexes of the newlines outside quotes, or None when that is all of them."""
    if not quotes.size:
        return None
    before = np.searchsorted(quotes, newlines)
    np.bitwise_and(before, 1, out=before)
    return np.flatnonzero(before == 0) if before.any() else None


def _well_formed(arr: np.ndarray, quotes: np.ndarray, start: int) -> bool:
    """Return True when every quote opens a cell, closes one, or doubles another."""
    size = len(arr)
    doubled = quotes[1:] == quotes[:-1] + 1
    before = np.take(arr, quotes[0::2] - 1, mode="clip")  # a fast gather; -1 reads byte 0
    opens = quotes[0::2]
    opens_ok = (opens == start) | (before == COMMA) | (before == NEWLINE)
    opens_ok[1:] |= doubled[1::2]
    closes = quotes[1::2]
    after = np.take(arr, closes + 1, mode="clip")
    closes_ok = (closes == size - 1) | (after == COMMA) | (after == NEWLINE) | (after == CR)
    closes_ok |= np.append(doubled[1::2], False)[: len(closes)]
    return bool(opens_ok.all() and closes_ok.all())
