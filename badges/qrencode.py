"""A small, fast QR encoder for badge codes: alphanumeric mode, error
correction M, versions 1-10 (up to 311 characters), all eight masks scored
with the ISO/IEC 18004 penalty rules. Rows are Python ints, so building and
scoring a symbol takes about a millisecond; the general-purpose `qrcode`
package takes several, which dominated badge rendering time."""
from __future__ import annotations

import functools
import re

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


def _ec(data: list[int], degree: int) -> list[int]:
    div_logs = [_LOG[c] if c else None for c in _divisor(degree)]
    result = [0] * degree
    exp = _EXP
    for b in data:
        factor = b ^ result.pop(0)
        result.append(0)
        if factor:
            lf = _LOG[factor]
            for i, lc in enumerate(div_logs):
                if lc is not None:
                    result[i] ^= exp[lc + lf]
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


_RUN5_LIGHT = re.compile(r"0{5,}")
_RUN5_DARK = re.compile(r"1{5,}")


def _penalty(rows: list[int], size: int) -> int:
    lines = [format(r, f"0{size}b") for r in rows]
    cols = ["".join(c) for c in zip(*lines)]
    # All rows and columns in one string, separated so no run crosses lines;
    # the 0000 padding counts the area outside the symbol as light.
    joined = "20000".join(lines + cols)
    runs = _RUN5_LIGHT.findall(joined) + _RUN5_DARK.findall(joined)
    score = sum(map(len, runs)) - 2 * len(runs)
    # Finder-like patterns; str.count misses overlapping hits, which are rare
    # and only make the mask choice a little less picky.
    padded = "0000" + joined + "0000"
    score += 40 * (padded.count("00001011101") + padded.count("10111010000"))
    full = (1 << size) - 1
    blocks = 0
    for a, b in zip(rows, rows[1:]):
        same_dark = a & b & (a >> 1) & (b >> 1)
        na, nb = ~a & full, ~b & full
        same_light = na & nb & (na >> 1) & (nb >> 1) & (full >> 1)
        blocks += same_dark.bit_count() + same_light.bit_count()
    score += 3 * blocks
    dark = sum(r.bit_count() for r in rows)
    total = size * size
    k = (abs(dark * 20 - total * 10) + total - 1) // total - 1
    return score + 10 * k


def encode(code: str, mask: int | None = None) -> tuple[int, list[int]]:
    """(size, rows) for `code`; bit (size-1-x) of rows[y] is the module at x, y (1 = dark)."""
    if any(c not in _ALNUM_INDEX for c in code):
        raise ValueError("only QR alphanumeric characters (0-9, A-Z, space, $%*+-./:) are supported")
    version = version_for(code)
    size, dark_rows, _, positions = _template(version)
    rows = list(dark_rows)
    bit_index = 0
    data = _codewords(code, version)
    for byte in data:
        for shift in range(7, -1, -1):
            if (byte >> shift) & 1:
                y, bit = positions[bit_index]
                rows[y] |= bit
            bit_index += 1
    best = None
    for m in (range(8) if mask is None else (mask,)):
        flips, fmt = _mask_overlay(version, m)
        candidate = [(r ^ f) | g for r, f, g in zip(rows, flips, fmt)]
        if mask is not None:
            return size, candidate
        score = _penalty(candidate, size)
        if best is None or score < best[0]:
            best = (score, candidate)
    return size, best[1]
