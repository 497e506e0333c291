"""Peak memory of checking one photo, measured in a fresh process (a bound on memory, not on time)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from registration_support import flat_png, halves_jpeg

ROOT = Path(__file__).resolve().parents[2]
# Reads the upload, then reports how far normalising it raised the process's peak RSS.
CHILD = """
import json, resource, sys
from app.services.photos import PhotoError, normalise_photo
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    normalise_photo(data)
    outcome = "stored"
except PhotoError as exc:
    outcome = str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_mb": (peak - before) / 1024, "outcome": outcome}))
"""
# Linux carries a process's peak RSS over into the programs it starts: measured in a child of
# this (large) test process, the peak would start at ours. A small launcher in between has its own.
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def peak_growth(tmp_path, data: bytes) -> dict:
    path = tmp_path / "upload"
    path.write_bytes(data)
    child = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-c", CHILD, str(path)],
                           cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(child.stdout)


def test_a_small_png_of_49_megapixels_is_refused_without_being_decoded(tmp_path):
    result = peak_growth(tmp_path, flat_png(7000, 7000))
    assert "too many pixels" in result["outcome"]
    assert result["growth_mb"] < 20, result  # decoded, it would take 150 MB, and copies more


@pytest.mark.parametrize("size,bound_mb", [((8000, 6000), 60), ((4000, 3000), 40)])
def test_a_large_phone_jpeg_is_stored_in_bounded_memory(tmp_path, size, bound_mb):
    result = peak_growth(tmp_path, halves_jpeg(size))
    assert result["outcome"] == "stored"
    assert result["growth_mb"] < bound_mb, result
