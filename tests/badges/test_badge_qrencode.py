"""The fast QR encoder produces the same symbols as the reference qrcode package."""
import random
import re

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from badges import qrencode

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@pytest.mark.parametrize("length", [2, 20, 21, 38, 61, 90, 114, 120, 122, 154, 178, 221, 262, 311])
@pytest.mark.parametrize("mask", range(8))
def test_symbol_matches_the_reference_encoder_for_each_mask(length, mask):
    rng = random.Random(length * 10 + mask)
    code = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(length))
    size, rows = qrencode.encode(code, mask)
    ref = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=mask)
    ref.add_data(code, optimize=0)
    ref.make(fit=True)
    assert size == len(ref.modules)
    assert rows == [int("".join("1" if m else "0" for m in row), 2) for row in ref.modules]


def test_a_120_character_code_is_version_5():
    assert qrencode.version_for("A" * 120) == 5
    assert qrencode.encode("A" * 120)[0] == 37


def test_codes_beyond_version_10_are_refused():
    with pytest.raises(ValueError):
        qrencode.encode("A" * 400)


def _reference_penalty(rows: list[int], size: int) -> int:
    """ISO/IEC 18004 mask penalty written plainly: every row and column as text with the
    light area outside the symbol on both sides."""
    lines = [format(r, f"0{size}b") for r in rows]
    cols = ["".join(c) for c in zip(*lines)]
    score = 0
    for line in lines + cols:
        for run in re.findall(r"0{5,}|1{5,}", line):
            score += len(run) - 2
        padded = "0000" + line + "0000"
        score += 40 * sum(padded[i:i + 11] in ("00001011101", "10111010000") for i in range(len(padded) - 10))
    for y in range(size - 1):
        for x in range(size - 1):
            block = {lines[y][x], lines[y][x + 1], lines[y + 1][x], lines[y + 1][x + 1]}
            score += 3 * (len(block) == 1)
    dark = sum(line.count("1") for line in lines)
    total = size * size
    return score + 10 * ((abs(dark * 20 - total * 10) + total - 1) // total - 1)


@pytest.mark.parametrize("seed", range(12))
def test_the_mask_chosen_has_the_lowest_penalty_iso_counts(seed):
    rng = random.Random(seed)
    code = "".join(rng.choice(BASE32) for _ in range(rng.choice([20, 60, 116, 200])))
    size, chosen = qrencode.encode(code)
    penalties = [_reference_penalty(qrencode.encode(code, mask)[1], size) for mask in range(8)]
    assert _reference_penalty(chosen, size) == min(penalties)
    stacked = qrencode._stack(chosen, size)
    columns = qrencode._stack(qrencode._transpose(chosen, size), size)
    assert qrencode._penalty(stacked, columns, size) == _reference_penalty(chosen, size)
