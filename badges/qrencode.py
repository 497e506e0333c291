"""A small, fast QR encoder for badge codes: alphanumeric mode, error
correction M, versions 1-10 (up to 311 characters), all eight masks scored
with the ISO/IEC 18004 penalty rules. Rows are Python ints, so building and
scoring a symbol takes about a millisecond; the general-purpose `qrcode`
package takes several, which dominated badge rendering time."""
from __future__ import annotations

import functools
import operator
from typing import Callable

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_INDEX = {c: i for i, c in enumerate(ALNUM)}
# Level M: version -> (EC codewords per block, ((blocks, data codewords per block), ...))
_BLOCKS_M = {
    1: (10, ((1, 16),)), 2: (16, ((1, 28),)), 3: (26, ((1, 44),)), 4: (18, ((2, 32),)),
    5: (24, ((2, 43),)), 6: (16, ((4, 27),)), 7: (18, ((4, 31),)),
    8: (22, ((2, 38), (2, 39))), 9: (22, ((3, 36), (2, 37))), 10: (26, ((4, 43), (1, 44))),
}
_ALIGN = {1: (), 2: (6, 18), 3: (6, 22), 4: (6, 26), 5: (6, 30), 6: (6, 34),
          7: (6, 22, 38), 8: (6, 24, 42), 9: (6, 26, 46), 10: (6, 28, 50)}
MAX_VERSION = 10

_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@functools.lru_cache(maxsize=None)
def _divisor(degree: int) -> tuple[int, ...]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _mul(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _mul(root, 2)
    return tuple(result)


@functools.lru_cache(maxsize=None)
def _ec_table(degree: int) -> tuple[tuple[int, ...], ...]:
    """For each byte value, the generator polynomial times that value."""
    gen = _divisor(degree)
    return tuple(tuple(_mul(g, factor) for g in gen) for factor in range(256))


def _ec(data: list[int], degree: int) -> list[int]:
    table = _ec_table(degree)
    result = [0] * degree
    for b in data:
        factor = b ^ result[0]
        result = [r ^ t for r, t in zip(result[1:] + [0], table[factor])]
    return result


def capacity(version: int) -> int:
    """Alphanumeric characters that fit `version` at level M."""
    data_bits = 8 * sum(n * k for n, k in _BLOCKS_M[version][1])
    count_bits = 9 if version <= 9 else 11
    usable = data_bits - 4 - count_bits
    return (usable // 11) * 2 + (1 if usable % 11 >= 6 else 0)


def version_for(code: str) -> int:
    for version in range(1, MAX_VERSION + 1):
        if len(code) <= capacity(version):
            return version
    raise ValueError(f"a code of {len(code)} characters does not fit QR version {MAX_VERSION} at level M")


def _codewords(code: str, version: int) -> list[int]:
    ec_len, groups = _BLOCKS_M[version]
    total_data = sum(n * k for n, k in groups)
    bits = []  # (value, length)
    bits.append((0b0010, 4))
    bits.append((len(code), 9 if version <= 9 else 11))
    for i in range(0, len(code) - 1, 2):
        bits.append((_ALNUM_INDEX[code[i]] * 45 + _ALNUM_INDEX[code[i + 1]], 11))
    if len(code) % 2:
        bits.append((_ALNUM_INDEX[code[-1]], 6))
    acc, n = 0, 0
    for value, length in bits:
        acc = (acc << length) | value
        n += length
    capacity_bits = total_data * 8
    term = min(4, capacity_bits - n)
    acc <<= term
    n += term
    pad = (-n) % 8
    acc <<= pad
    n += pad
    data = list(acc.to_bytes(n // 8, "big")) if n else []
    filler = (0xEC, 0x11)
    while len(data) < total_data:
        data.append(filler[(len(data) - n // 8) % 2])
    blocks, ecs = [], []
    pos = 0
    for count, size in groups:
        for _ in range(count):
            block = data[pos:pos + size]
            pos += size
            blocks.append(block)
            ecs.append(_ec(block, ec_len))
    out = []
    for i in range(max(len(b) for b in blocks)):
        for block in blocks:
            if i < len(block):
                out.append(block[i])
    for i in range(ec_len):
        for e in ecs:
            out.append(e[i])
    return out


@functools.lru_cache(maxsize=None)
def _template(version: int):
    """Function patterns for a version: (size, dark rows, function-mask rows,
    data positions in placement order as (row, bit))."""
    size = 17 + 4 * version
    dark = [[False] * size for _ in range(size)]
    func = [[False] * size for _ in range(size)]

    def put(x, y, value):
        dark[y][x] = value
        func[y][x] = True

    for i in range(size):
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                x, y = cx + dx, cy + dy
                if 0 <= x < size and 0 <= y < size:
                    put(x, y, max(abs(dx), abs(dy)) not in (2, 4))
    align = _ALIGN[version]
    last = len(align) - 1
    for i, ax in enumerate(align):
        for j, ay in enumerate(align):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    put(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
    for x, y in _format_positions(size):  # reserved now, filled per mask
        put(x, y, False)
    put(8, size - 8, True)  # the dark module
    if version >= 7:
        rem = version
        for _ in range(12):
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
        bits = version << 12 | rem
        for i in range(18):
            bit = (bits >> i) & 1 == 1
            a, b = size - 11 + i % 3, i // 3
            put(a, b, bit)
            put(b, a, bit)
    positions = []
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = ((right + 1) & 2) == 0
        for vert in range(size):
            y = size - 1 - vert if upward else vert
            for j in range(2):
                x = right - j
                if not func[y][x]:
                    positions.append((y, 1 << (size - 1 - x)))
        right -= 2
    dark_rows = tuple(_row_int(r) for r in dark)
    func_rows = tuple(_row_int(r) for r in func)
    return size, dark_rows, func_rows, tuple(positions)


def _row_int(row) -> int:
    v = 0
    for m in row:
        v = (v << 1) | (1 if m else 0)
    return v


def _format_positions(size: int) -> list[tuple[int, int]]:
    """(x, y) of format bits 0..14, first copy then second copy."""
    first = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(14 - i, 8) for i in range(9, 15)]
    second = [(size - 1 - i, 8) for i in range(8)] + [(8, size - 15 + i) for i in range(8, 15)]
    return first + second


_MASKS = (
    lambda x, y: (x + y) % 2 == 0, lambda x, y: y % 2 == 0, lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0, lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0, lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


@functools.lru_cache(maxsize=None)
def _mask_overlay(version: int, mask: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per row: bits to flip (mask on data modules) and format bits to set."""
    size, _, func_rows, _ = _template(version)
    fn = _MASKS[mask]
    flips = []
    for y in range(size):
        v = 0
        for x in range(size):
            v = (v << 1) | (1 if fn(x, y) else 0)
        flips.append(v & ~func_rows[y])
    data = mask  # level M format bits are 00
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    bits = (data << 10 | rem) ^ 0x5412
    fmt = [0] * size
    positions = _format_positions(size)
    for i, (x, y) in enumerate(positions):
        if (bits >> (i % 15)) & 1:
            fmt[y] |= 1 << (size - 1 - x)
    return tuple(flips), tuple(fmt)


# Mask scoring works on the whole symbol at once: its rows (or columns) laid end to end
# in one integer, each with four light bits after it, so no run crosses from one line
# to the next and a finder-like pattern at an edge sees the light area outside.
_GUARD = 4
_FINDER_LIKE = ("00001011101", "10111010000")


def _stack(lines, size: int) -> int:
    stride = size + _GUARD
    value = 0
    for i, line in enumerate(lines):
        value |= line << (i * stride)
    return value


def _unstack(value: int, size: int) -> list[int]:
    stride, full = size + _GUARD, (1 << size) - 1
    return [(value >> (i * stride)) & full for i in range(size)]


@functools.lru_cache(maxsize=None)
def _lines_mask(size: int) -> int:
    return _stack([(1 << size) - 1] * size, size)


def _line_penalty(dark: int, size: int, blocks: bool) -> int:
    """ISO/IEC 18004 penalties 1 (runs of five or more), 3 (finder-like patterns) and, with
    `blocks`, 2 (2 x 2 blocks, counted once: by the rows) along the stacked lines."""
    stride = size + _GUARD
    light = ~dark & _lines_mask(size)
    score = 0
    for x in (dark, light):
        run5 = x & (x >> 1) & (x >> 2) & (x >> 3) & (x >> 4)
        score += run5.bit_count() + 2 * (run5 & ~(run5 >> 1)).bit_count()  # each run: its length - 2
        if blocks:
            below = x & (x >> stride)
            score += 3 * (below & (below >> 1)).bit_count()
    shifted = dark << _GUARD  # the light area before the first line
    width = shifted.bit_length() + 16
    inverse = ~shifted & ((1 << width) - 1)
    for pattern in _FINDER_LIKE:
        hits = (1 << width) - 1
        for j, bit in enumerate(pattern):
            hits &= (shifted if bit == "1" else inverse) >> (len(pattern) - 1 - j)
        score += 40 * hits.bit_count()
    return score


def _penalty(rows: int, cols: int, size: int) -> int:
    """The mask penalty of the symbol given as stacked rows and stacked columns."""
    total = size * size
    dark = rows.bit_count()
    k = (abs(dark * 20 - total * 10) + total - 1) // total - 1  # penalty 4, dark share
    return _line_penalty(rows, size, True) + _line_penalty(cols, size, False) + 10 * k


@functools.lru_cache(maxsize=None)
def _placement(version: int, data_bits: int) -> tuple[tuple[Callable, ...], tuple[Callable, ...]]:
    """Getters picking each row's and each column's modules out of the data bit string
    (plus a trailing "0" for function and remainder modules): placing 1,000 bits one by
    one in Python costs more than encoding them."""
    size, _, _, positions = _template(version)
    index = [[data_bits] * size for _ in range(size)]
    for i, (y, bit) in enumerate(positions[:data_bits]):
        index[y][size - bit.bit_length()] = i
    rows = tuple(operator.itemgetter(*row) for row in index)
    cols = tuple(operator.itemgetter(*column) for column in zip(*index))
    return rows, cols


def _transpose(rows, size: int) -> list[int]:
    """Columns as ints, bit (size-1-y) of column x being the module at x, y."""
    return [int("".join(column), 2) for column in zip(*(format(r, f"0{size}b") for r in rows))]


@functools.lru_cache(maxsize=None)
def _stacked_template(version: int) -> tuple[int, int]:
    size, dark_rows, _, _ = _template(version)
    return _stack(dark_rows, size), _stack(_transpose(dark_rows, size), size)


@functools.lru_cache(maxsize=None)
def _stacked_mask(version: int, mask: int) -> tuple[int, int, int, int]:
    """(row flips, row format bits, column flips, column format bits), stacked."""
    size = _template(version)[0]
    flips, fmt = _mask_overlay(version, mask)
    return (_stack(flips, size), _stack(fmt, size), _stack(_transpose(flips, size), size),
            _stack(_transpose(fmt, size), size))


def encode(code: str, mask: int | None = None) -> tuple[int, list[int]]:
    """(size, rows) for `code`; bit (size-1-x) of rows[y] is the module at x, y (1 = dark)."""
    if any(c not in _ALNUM_INDEX for c in code):
        raise ValueError("only QR alphanumeric characters (0-9, A-Z, space, $%*+-./:) are supported")
    version = version_for(code)
    size = _template(version)[0]
    data = _codewords(code, version)
    bits = format(int.from_bytes(bytes(data), "big"), f"0{8 * len(data)}b") + "0"
    row_getters, col_getters = _placement(version, 8 * len(data))
    dark_rows, dark_cols = _stacked_template(version)
    rows = dark_rows | _stack([int("".join(get(bits)), 2) for get in row_getters], size)
    if mask is not None:
        flips, fmt, _, _ = _stacked_mask(version, mask)
        return size, _unstack((rows ^ flips) | fmt, size)
    cols = dark_cols | _stack([int("".join(get(bits)), 2) for get in col_getters], size)
    best = None
    for m in range(8):
        flips, fmt, col_flips, col_fmt = _stacked_mask(version, m)
        candidate = (rows ^ flips) | fmt
        score = _penalty(candidate, (cols ^ col_flips) | col_fmt, size)
        if best is None or score < best[0]:
            best = (score, candidate)
    return size, _unstack(best[1], size)
