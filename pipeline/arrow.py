"""Move data between numpy and Arrow through raw buffers, without importing pandas.

pyarrow imports pandas (about a third of a second) the first time a Python or numpy
object becomes an Arrow value or an Arrow array becomes numpy. `k2brief validate` never
needs pandas, so the validator builds and reads Arrow buffers itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NUMPY_TYPES = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
    pa.float32(): np.float32,
    pa.float64(): np.float64,
}


def ints(values: np.ndarray) -> pa.Array:
    """Return an int64 Arrow array of numpy integers (row indexes, codes)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(data), [None, pa.py_buffer(data)])


def take(column: pa.ChunkedArray, rows: np.ndarray) -> pa.ChunkedArray:
    """Return a column's values at some rows, in their order, taken chunk by chunk.

    Arrow's own take on a chunked column first joins every chunk into one array: a copy
    of the whole column (hundreds of megabytes for a long text column) to read a few cells.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if column.num_chunks == 1:
        return pa.chunked_array([column.chunk(0).take(ints(rows))], type=column.type)
    bounds = np.cumsum([0, *(len(c) for c in column.chunks)])
    which = np.searchsorted(bounds, rows, side="right") - 1
    order = np.argsort(which, kind="stable")
    parts = []
    for k in np.unique(which).tolist():
        at = order[which[order] == k]
        parts.append(column.chunk(k).take(ints(rows[at] - bounds[k])))
    taken = pa.chunked_array(parts, type=column.type)
    if len(parts) < 2 or (np.diff(which) >= 0).all():
        return taken
    # Back into the order asked: where each asked row went in the chunk-by-chunk result.
    back = np.empty(len(rows), dtype=np.int64)
    back[order] = np.arange(len(rows))
    return pa.chunked_array([taken.combine_chunks().take(ints(back))], type=column.type)


def mask(values: np.ndarray) -> pa.Array:
    """Return a boolean Arrow array of a numpy boolean array."""
    packed = np.packbits(np.asarray(values, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(packed)])


def texts(values: Sequence[str]) -> pa.Array:
    """Return a string Arrow array of Python strings."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(encoded), buffers)


def text(value: str) -> pa.Scalar:
    """Return a string Arrow scalar."""
    return texts([value])[0]


FALSE = mask(np.zeros(1, dtype=bool))[0]


def null(kind: pa.DataType) -> pa.Scalar:
    """Return a missing value of an Arrow type."""
    return pa.nulls(1, kind)[0]


def flags(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Return a boolean Arrow result as numpy, missing values as False."""
    return values(pc.fill_null(array, FALSE))


def values(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Return a boolean or numeric Arrow array as numpy; missing numbers become NaN."""
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    parts = [_chunk(c) for c in chunks if len(c)]
    if parts:
        return np.concatenate(parts) if len(parts) > 1 else parts[0]
    kind = array.type
    return np.zeros(0, dtype=bool if kind == pa.bool_() else NUMPY_TYPES.get(kind, np.float64))


def _bits(buffer: pa.Buffer, offset: int, n: int) -> np.ndarray:
    raw = np.frombuffer(buffer, dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little", count=offset + n)[offset:].astype(bool)


def _chunk(chunk: pa.Array) -> np.ndarray:
    n, offset = len(chunk), chunk.offset
    validity, data = chunk.buffers()[:2]
    if chunk.type == pa.bool_():
        result = _bits(data, offset, n)
        return result & _bits(validity, offset, n) if chunk.null_count else result
    if chunk.type == pa.null():
        return np.full(n, np.nan)
    dtype = np.dtype(NUMPY_TYPES[chunk.type])
    result = np.frombuffer(data, dtype=dtype, count=n, offset=offset * dtype.itemsize)
    if not chunk.null_count:
        return result
    return np.where(_bits(validity, offset, n), result, np.nan)
