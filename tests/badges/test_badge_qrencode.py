"""The fast QR encoder produces the same symbols as the reference qrcode package."""
import random

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
