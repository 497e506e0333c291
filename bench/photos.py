"""Photo checks under hostile and large uploads: time and peak memory of the photo service
against the naive path (Image.open, load, then rotate, convert, crop and resize the whole
picture), each case in a fresh process, both in the same run.

    python bench/photos.py [--rows 5000] [--baseline-rows 20]

Cases: a 7000 x 7000 PNG of 160 KB; four of them at once (threads); a real-size 48 MP
phone JPEG (8000 x 6000, about 8 MB), alone and four at once; a ZIP import naming that
JPEG in 5,000 rows (checked without writing, as the admin page does by default). The naive
import checks every row's photo again; it is timed on --baseline-rows rows and scaled up.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The parent only starts children: its own peak RSS, which Linux carries over into the
# processes it starts, stays below theirs, so each child's peak is its own.


def make_inputs(folder: Path, rows: int) -> None:
    """Child process: write the uploads each case reads."""
    from PIL import Image

    sys.path.insert(0, str(ROOT / "tests"))
    from registration_support import flat_png

    (folder / "hostile.png").write_bytes(flat_png(7000, 7000))
    width, height = 8000, 6000
    # Gradients and noise: a JPEG of the size a real photo of this many pixels has.
    base = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    channels = (Image.blend(base, noise, 0.35),
                Image.blend(base.transpose(Image.Transpose.FLIP_TOP_BOTTOM), noise, 0.3),
                Image.blend(base.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                            noise.transpose(Image.Transpose.ROTATE_180), 0.3))
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=80)
    (folder / "phone.jpg").write_bytes(out.getvalue())
    header = "given_name,family_name,organisation,country,category,email,photo\n"
    listing = header + "".join(f"Dewi,Lestari,BAIS TNI,ID,D,dewi{i}@example.id,photos/phone.jpg\n"
                               for i in range(rows))
    with zipfile.ZipFile(folder / "import.zip", "w") as archive:
        archive.writestr("list.csv", listing)
        archive.writestr("photos/phone.jpg", out.getvalue())


def naive_normalise(data: bytes) -> bytes:
    """The obvious way: decode everything, then rotate, convert, crop and resize the whole picture."""
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(data))
    image.load()
    image = ImageOps.exif_transpose(image).convert("RGB")
    width, height = image.size
    frame = min(width, round(height * 35 / 45))
    left = (width - frame) // 2
    image = image.crop((left, 0, left + frame, round(frame * 45 / 35)))
    image = image.resize((600, 771), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def check_photos(data: bytes, copies: int, naive: bool) -> str:
    """Normalise `copies` uploads of `data` in as many threads; what became of the first."""
    from app.services.photos import PhotoError, normalise_photo

    outcomes = [""] * copies

    def one(i: int) -> None:
        try:
            (naive_normalise if naive else normalise_photo)(data)
            outcomes[i] = "stored"
        except PhotoError as exc:
            outcomes[i] = "refused" if "pixels" in str(exc) else f"refused: {exc}"

    threads = [threading.Thread(target=one, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes[0]


def check_import(path: Path, naive: bool, rows: int) -> str:
    """Check a ZIP import without writing it, with the service or row by row the naive way."""
    data = path.read_bytes()
    if naive:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for _ in range(rows):
                naive_normalise(archive.read("photos/phone.jpg"))
        return f"{rows} rows"
    from app import create_app
    from app.extensions import db
    from app.services.audit import Actor
    from app.services.demo import create_demo_event
    from app.services.imports import import_delegates, open_upload

    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.db"})
        with app.app_context():
            db.create_all()
            event, _ = create_demo_event(0, with_staff=False)
            start = time.perf_counter()
            name, listing, photos = open_upload("import.zip", data)
            report = import_delegates(event, name, listing, photos, Actor.cli("bench"), dry_run=True)
            assert report.ok, report.errors[:3]
            print(json.dumps({"import_seconds": time.perf_counter() - start}), file=sys.stderr)
            return f"{len(report.rows)} rows"


def run_case(case: str, path: Path, naive: bool, rows: int) -> None:
    """Child process: one case, then its time and the growth of peak RSS as JSON."""
    # Imports are not part of the measure.
    import app.services.photos  # noqa: F401
    if case == "import":  # for both paths: the app's imports leave the same peak behind
        import app.services.demo  # noqa: F401
        import app.services.imports  # noqa: F401

    data = path.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if case == "import":
        outcome = check_import(path, naive, rows)
    else:
        outcome = check_photos(data, 4 if case.endswith("x4") else 1, naive)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "growth_mb": (peak - before) / 1024,
                      "peak_mb": peak / 1024, "outcome": outcome}))


def child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"bench/photos.py {' '.join(args)} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for line in done.stderr.splitlines():
        if line.startswith("{"):
            result.update(json.loads(line))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000, help="rows of the import")
    parser.add_argument("--baseline-rows", type=int, default=20,
                        help="rows the naive import is timed on, then scaled to --rows")
    parser.add_argument("--make-inputs", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_inputs:
        make_inputs(Path(args.make_inputs), args.rows)
        print("{}")
        return
    if args.case:
        run_case(args.case, Path(args.path), args.naive, args.baseline_rows)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("generating the uploads ...", flush=True)
        child("--make-inputs", str(folder), "--rows", str(args.rows))
        sizes = {name: os.path.getsize(folder / name) / 1e6
                 for name in ("hostile.png", "phone.jpg", "import.zip")}
        cases = [("7000 x 7000 PNG", "png", "hostile.png"),
                 ("four of them at once", "png x4", "hostile.png"),
                 ("48 MP phone JPEG", "jpeg", "phone.jpg"),
                 ("four of them at once", "jpeg x4", "phone.jpg"),
                 (f"ZIP import, {args.rows:,} rows", "import", "import.zip")]
        print(f"PNG {sizes['hostile.png'] * 1000:.0f} KB, JPEG 8000 x 6000 "
              f"{sizes['phone.jpg']:.1f} MB, ZIP {sizes['import.zip']:.1f} MB; "
              f"{os.cpu_count()} CPU(s)\n")
        peaks = []
        print(f"{'case':<28}{'lanyard':>36}{'naive baseline':>42}{'time ratio':>12}{'memory ratio':>14}")
        for label, case, name in cases:
            path = str(folder / name)
            new = child("--case", case, "--path", path)
            old = child("--case", case, "--path", path, "--naive",
                        "--baseline-rows", str(args.baseline_rows))
            if case == "import":
                # The app's imports leave a peak (Argon2) that hides the import's own growth:
                # compare whole-process peaks.
                new_seconds = new["import_seconds"]
                old_seconds = old["seconds"] * args.rows / args.baseline_rows
                new_text = f"{new['outcome']}, {new_seconds:.2f} s, peak {new['peak_mb']:.0f} MB"
                old_text = (f"est. {old_seconds:.0f} s ({old['seconds']:.1f} s for "
                            f"{args.baseline_rows}), peak {old['peak_mb']:.0f} MB")
                memory = old["peak_mb"] / new["peak_mb"]
            else:
                new_seconds, old_seconds = new["seconds"], old["seconds"]
                new_text = f"{new['outcome']}, {new_seconds:.2f} s, +{new['growth_mb']:.0f} MB"
                old_text = f"{old['outcome']}, {old_seconds:.2f} s, +{old['growth_mb']:.0f} MB"
                memory = old["growth_mb"] / max(new["growth_mb"], 1)
            peaks.append(f"{label}: peak RSS {new['peak_mb']:.0f} MB, naive {old['peak_mb']:.0f} MB")
            print(f"{label:<28}{new_text:>36}{old_text:>42}{old_seconds / new_seconds:>11.1f}x"
                  f"{memory:>13.1f}x")
        print("\n" + "\n".join(peaks))
        print("\n+N MB: growth of the process's peak RSS during the case (imports excluded); "
              "memory ratio counts at least 1 MB (the import: peak RSS).")


if __name__ == "__main__":
    main()
