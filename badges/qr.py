"""Badge QR codes as vector paths: error correction M, a 4-module quiet zone,
one filled path of merged horizontal runs per symbol."""
from __future__ import annotations

import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from . import qrencode

QUIET_ZONE = 4  # modules of white on every side
MAX_CODE_CHARS = 120
MIN_MODULE_MM = 0.5
# Alphanumeric-mode capacity at level M for versions 1..10 (ISO/IEC 18004 table 7).
_ALNUM_CAPACITY_M = (20, 38, 61, 90, 122, 154, 178, 221, 262, 311)
_ALNUM = re.compile(r"[0-9A-Z $%*+\-./:]*\Z")
MM = 72 / 25.4


def version_for(code: str) -> int:
    """The smallest QR version (level M) that holds the code."""
    if _ALNUM.match(code):
        for version, capacity in enumerate(_ALNUM_CAPACITY_M, start=1):
            if len(code) <= capacity:
                return version
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(code)
    return qr.best_fit()


def modules_for_length(chars: int) -> int:
    """Symbol width in modules (without quiet zone) for an alphanumeric code length."""
    return 17 + 4 * version_for("A" * chars)


def qr_rows(code: str) -> tuple[int, list[int]]:
    """(modules per side, rows as ints) without quiet zone; a set bit is dark."""
    if _ALNUM.match(code):
        return qrencode.encode(code)
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(code)
    qr.make(fit=True)
    return len(qr.modules), [int("".join("1" if m else "0" for m in row), 2) for row in qr.modules]


def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """Module matrix without quiet zone; True is dark."""
    size, rows = qr_rows(code)
    return tuple(tuple(c == "1" for c in format(r, f"0{size}b")) for r in rows)


_DARK_RUN = re.compile(r"1+")


def qr_path_ops(size: int, rows: list[int]) -> str:
    """PDF path operators in module units, y down, one rectangle per horizontal run."""
    ops = []
    append = ops.append
    for y, row in enumerate(rows):
        for m in _DARK_RUN.finditer(format(row, f"0{size}b")):
            start, end = m.span()
            append(f"{start} {y} {end - start} 1 re")
    return "\n".join(ops)


def module_size(code_or_modules, box: float) -> float:
    """Module size in points when the symbol and its quiet zone fill `box` points."""
    modules = code_or_modules if isinstance(code_or_modules, int) else qr_rows(code_or_modules)[0]
    return box / (modules + 2 * QUIET_ZONE)


def draw_qr(canvas, code: str, x: float, y: float, size: float, *, background: bool = True) -> float:
    """Draw `code` in the size x size square with lower-left corner (x, y),
    quiet zone included. Returns the module size in points."""
    n, rows = qr_rows(code)
    module = size / (n + 2 * QUIET_ZONE)
    if background:
        canvas.addLiteral(f"q 1 g {x:.3f} {y:.3f} {size:.3f} {size:.3f} re f Q")
    left = x + QUIET_ZONE * module
    top = y + size - QUIET_ZONE * module
    # Draw in module units with y pointing down so every coordinate is an integer.
    canvas.addLiteral(f"q 0 g {module:.5f} 0 0 {-module:.5f} {left:.4f} {top:.4f} cm\n"
                      f"{qr_path_ops(n, rows)}\nf Q")
    return module
