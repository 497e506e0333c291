"""Badge rendering speed: the renderer against a naive ReportLab baseline on
the same 1,000 distinct delegates, p95 time for one badge alone, peak
memory of a 5,000-badge PDF streamed from a generator, and a print run of
20,000 badges on every core (files of 200, as the desk's print runs make them)
with its speed against the same baseline and the peak memory of every process.

The renderer draws the full badge (header with the event's logo, the delegation's
flag, guilloche, microtext, hologram area, photo overprint, zones with names); the
baseline still draws the plainer badge it was written for, so the ratio understates.

    python bench/badges.py [--count 1000] [--stream 5000] [--single 200] [--rounds 3] [--run 20000]
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from badges import BadgeData, EventInfo, render_badges  # noqa: E402
from badges.text import FONT_DIR  # noqa: E402

GIVEN = ["Ahmad Faizal", "Siti Nurhaliza", "Nguyễn Văn", "Trần Thị", "Somchai", "Pimchanok",
         "Sokha", "Vanna", "Aung", "Thida", "Khamphan", "Bounmy", "Budi", "Dewi", "Maria Clara",
         "Jose Miguel", "Wei Ming", "Priya", "Haji Mohd Hafiz", "Nurul Ain"]
FAMILY = ["bin Rahman", "binti Omar", "Thành", "Hương", "Rattanakul", "Srisuk", "Chea", "Keo",
          "Kyaw Min", "Win", "Phommachanh", "Sisavath", "Santoso", "Lestari", "Dela Cruz",
          "Reyes", "Tan", "Ramasamy", "bin Haji Abdullah", "binti Ismail"]
NATIVE = ["", "", "", "", "สมชาย รัตนกุล", "พิมพ์ชนก ศรีสุข", "ជា សុខា", "កែវ វណ្ណា",
          "အောင်ကျော်မင်း", "သီတာဝင်း", "ຄຳພັນ ພົມມະຈັນ", "ບຸນມີ ສີສະຫວາດ", "", "", "", "",
          "陈伟明", "", "حافظ بن عبدالله", ""]
NATIVE_FONT = {"": "NotoSans-Regular.ttf"}
RANKS = ["Brigadier General", "Colonel", "Major General", "Lieutenant Colonel", "Captain",
         "General", "Major", "Commander"]
ORGS = ["Defence Intelligence Organisation", "Armed Forces Security Center",
        "Royal Cambodian Armed Forces", "Office of the Commander-in-Chief",
        "Lao People's Army Intelligence", "TNI Strategic Intelligence Agency"]
COUNTRIES = [("BN", "Brunei Darussalam"), ("KH", "Cambodia"), ("ID", "Indonesia"),
             ("LA", "Lao PDR"), ("MY", "Malaysia"), ("MM", "Myanmar"), ("PH", "Philippines"),
             ("SG", "Singapore"), ("TH", "Thailand"), ("VN", "Viet Nam")]
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def make_logo() -> bytes:
    """The event's logo: a plain round emblem with transparency, as admins upload them."""
    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((10, 10, 390, 390), fill=(20, 35, 60, 255), outline=(196, 154, 56, 255),
                                width=24)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


EVENT = EventInfo(name="ASEAN Defence Intelligence Meeting 2026", venue="Kuala Lumpur",
                  starts_on=date(2026, 3, 12), ends_on=date(2026, 3, 14), logo=make_logo(),
                  zone_legend=(("1", "Plenary"), ("2", "Bilateral rooms"), ("3", "Offices")),
                  host="the host", emergency_contact="+60 3-1234 5678")


def make_photo(i: int) -> bytes:
    """A distinct 413 x 531 passport-style JPEG (35 x 45 mm at 300 ppi)."""
    rng = random.Random(i)
    bg = tuple(rng.randint(200, 245) for _ in range(3))
    img = Image.new("RGB", (413, 531), bg)
    d = ImageDraw.Draw(img)
    skin = (rng.randint(150, 230), rng.randint(110, 190), rng.randint(90, 160))
    d.ellipse((126 + rng.randint(-15, 15), 90, 287 + rng.randint(-15, 15), 300), fill=skin)
    d.rectangle((60, 330, 353, 531), fill=tuple(rng.randint(20, 120) for _ in range(3)))
    d.text((10, 10), f"{i:05d}", fill=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def with_marker(jpeg: bytes, i: int) -> bytes:
    """Same picture, different bytes (a JPEG comment): distinct photos cheaply."""
    comment = f"badge {i}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def make_badge(i: int, photo: bytes) -> BadgeData:
    rng = random.Random(i)
    g, f = GIVEN[i % 20], FAMILY[(i * 7) % 20]
    country, country_name = COUNTRIES[i % len(COUNTRIES)]
    return BadgeData(
        code="".join(rng.choice(BASE32) for _ in range(116)), name=f"{g} {f}",
        native_name=NATIVE[i % 20], honorific=RANKS[i % len(RANKS)],
        position="Director of Strategic Assessment", organisation=ORGS[i % len(ORGS)],
        country_code=country, country_name=country_name, category_code="D", category_name="Delegate",
        category_colour="#C8102E", zones=("1", "2", "3")[: 1 + i % 3], photo=photo,
        serial=f"B{i:06d}", valid_from=date(2026, 3, 12), valid_to=date(2026, 3, 14))


def naive_render(badges, photo_paths, out) -> None:
    """The obvious way: a Paragraph per text item, QrCodeWidget per badge,
    each photo drawn from its file."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    fonts = {"latin": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf",
             "thai": "NotoSansThai-Regular.ttf", "khmer": "NotoSansKhmer-Regular.ttf",
             "myanmar": "NotoSansMyanmar-Regular.ttf", "lao": "NotoSansLao-Regular.ttf",
             "cjk": "DroidSansFallbackFull.ttf", "arabic": "NotoSansArabic-Regular.ttf"}
    for key, file in fonts.items():
        try:
            pdfmetrics.getFont("Naive-" + key)
        except KeyError:
            pdfmetrics.registerFont(TTFont("Naive-" + key, str(FONT_DIR / file)))

    def native_font(text):
        for ch in text:
            cp = ord(ch)
            for lo, hi, key in ((0xE00, 0xE7F, "thai"), (0xE80, 0xEFF, "lao"),
                                (0x1780, 0x17FF, "khmer"), (0x1000, 0x109F, "myanmar"),
                                (0x600, 0x6FF, "arabic"), (0x4E00, 0x9FFF, "cjk")):
                if lo <= cp <= hi:
                    return "Naive-" + key
        return "Naive-latin"

    W, H = 53.98 * mm, 85.6 * mm
    c = Canvas(out, pagesize=(W, H))
    for b, path in zip(badges, photo_paths):
        c.drawImage(path, 3 * mm, H - 44.2 * mm, 20 * mm, 25.7 * mm)
        widget = QrCodeWidget(b.code, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        size = 23.5 * mm
        d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        d.add(widget)
        renderPDF.draw(d, c, 27.48 * mm, H - 42 * mm)
        items = [(b.honorific, "Naive-latin", 7, 45), (b.name, "Naive-bold", 13, 49),
                 (b.native_name, native_font(b.native_name), 10, 58.2),
                 (b.position, "Naive-latin", 6.5, 63.4), (b.organisation, "Naive-latin", 6.5, 66.7),
                 (f"{b.country_name} ({b.country_code})", "Naive-bold", 7, 70)]
        for text, font, size, top in items:
            if not text:
                continue
            style = ParagraphStyle("s", fontName=font, fontSize=size, leading=size * 1.2,
                                   alignment=1, shaping=1)
            p = Paragraph(escape(text), style)
            _, h = p.wrapOn(c, 48 * mm, 20 * mm)
            p.drawOn(c, 3 * mm, H - top * mm - h)
        c.setFillColorRGB(0.78, 0.06, 0.18)
        c.rect(0, 0, W, 11.6 * mm, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Naive-bold", 26)
        c.drawString(3 * mm, 3 * mm, b.category_code)
        c.setFont("Naive-bold", 8)
        c.drawString(13 * mm, 8 * mm, b.category_name.upper())
        c.drawString(13 * mm, 3 * mm, " ".join(b.zones))
        c.showPage()
    c.save()


def stream_run(count: int) -> None:
    """Child process: render `count` badges from a generator, print time and peak RSS."""
    photos = [make_photo(i) for i in range(50)]

    def badges():
        for i in range(count):
            yield make_badge(i, with_marker(photos[i % len(photos)], i))

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stream.pdf")
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        report = render_badges(badges(), out, event=EVENT)
        elapsed = time.perf_counter() - t
        size = os.path.getsize(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{report.badges} {elapsed:.3f} {peak / 1024:.1f} {base_rss / 1024:.1f} {size / 1e6:.1f}")


def print_run(count: int, per_file: int) -> None:
    """Child process: `count` badges through the print run's pool into files of `per_file`;
    prints badges, seconds, workers, files, peak RSS of this process and of the biggest worker."""
    from badges.parallel import RenderPool
    photos = [make_photo(i) for i in range(50)]

    def files(tmp):
        for start in range(0, count, per_file):
            yield (os.path.join(tmp, f"badges-{start // per_file + 1:03d}.pdf"),
                   [make_badge(i, with_marker(photos[i % len(photos)], i))
                    for i in range(start, min(count, start + per_file))])

    with tempfile.TemporaryDirectory() as tmp:
        t, cpu = time.perf_counter(), time.process_time()
        with RenderPool(event=EVENT) as pool:
            done = sum(len(badges) for _, badges, _ in pool.render(files(tmp)))
            workers = pool.workers
        elapsed = time.perf_counter() - t
        made = len(os.listdir(tmp))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{done} {elapsed:.3f} {workers} {made} {own:.1f} {children.ru_maxrss / 1024:.1f} {cpu:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="badges in the speed comparison")
    parser.add_argument("--stream", type=int, default=5000, help="badges in the streamed run")
    parser.add_argument("--single", type=int, default=200, help="single-badge renders for p95")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating runs of each; the best of each counts (a shared machine's "
                             "load comes and goes)")
    parser.add_argument("--run", type=int, default=20000, help="badges in the print run on every core")
    parser.add_argument("--per-file", type=int, default=200, help="badges per file of the print run")
    parser.add_argument("--stream-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stream_child:
        stream_run(args.stream_child)
        return
    if args.run_child:
        print_run(args.run_child, args.per_file)
        return

    print(f"generating {args.count} delegates with distinct photos ...", flush=True)
    photos = [make_photo(i) for i in range(args.count)]
    badges = [make_badge(i, photos[i]) for i in range(args.count)]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(photos):
            path = os.path.join(tmp, f"photo{i:05d}.jpg")
            Path(path).write_bytes(data)
            paths.append(path)

        # Load fonts and read every flag once, as a running server has.
        render_badges(badges[:20], io.BytesIO(), event=EVENT)
        naive_render(badges[:5], paths[:5], io.BytesIO())

        fast = naive = naive_cpu = float("inf")
        for _ in range(args.rounds):
            t = time.perf_counter()
            render_badges(badges, os.path.join(tmp, "fast.pdf"), event=EVENT)
            fast = min(fast, time.perf_counter() - t)
            t, cpu = time.perf_counter(), time.process_time()
            naive_render(badges, paths, os.path.join(tmp, "naive.pdf"))
            naive = min(naive, time.perf_counter() - t)
            naive_cpu = min(naive_cpu, time.process_time() - cpu)
        fast_size = os.path.getsize(os.path.join(tmp, "fast.pdf"))
        naive_size = os.path.getsize(os.path.join(tmp, "naive.pdf"))

    times = []
    for i in range(args.single):
        b = make_badge(100000 + i, photos[i % len(photos)])
        t = time.perf_counter()
        render_badges([b], io.BytesIO(), event=EVENT)
        times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] * 1000
    p50 = times[len(times) // 2] * 1000

    child = subprocess.run([sys.executable, __file__, "--stream-child", str(args.stream)],
                           capture_output=True, text=True, check=True)
    n, s_time, peak, base, size = child.stdout.split()
    child = subprocess.run([sys.executable, __file__, "--run-child", str(args.run),
                            "--per-file", str(args.per_file)],
                           capture_output=True, text=True, check=True)
    r_n, r_time, r_workers, r_files, r_parent, r_worker, r_cpu = child.stdout.split()
    run_rate = int(r_n) / float(r_time)
    # A shared machine's load takes cores away at random: CPU seconds say what each side
    # costs, whatever the load, and what the run does with the cores to itself.
    naive_per_cpu, run_per_cpu = args.count / naive_cpu, int(r_n) / float(r_cpu)
    cores = min(os.cpu_count() or 1, int(r_workers))

    print()
    print(f"CR80 portrait, photo, flag, Latin + native names, zones, security printing, QR (116-char "
          f"code); {os.cpu_count()} CPU(s), one core used; load average {os.getloadavg()[0]:.1f} at the end")
    print(f"best of {args.rounds} alternating rounds each")
    print(f"renderer      {args.count / fast:8.1f} badges/s  ({fast:.2f} s, {fast_size / 1e6:.1f} MB PDF)")
    print(f"naive         {args.count / naive:8.1f} badges/s  ({naive:.2f} s, {naive_size / 1e6:.1f} MB PDF)")
    print(f"ratio         {naive / fast:8.1f} x")
    print(f"one badge     p50 {p50:.1f} ms, p95 {p95:.1f} ms  ({args.single} single-badge PDFs)")
    print(f"streamed      {n} badges in {float(s_time):.1f} s ({int(n) / float(s_time):.0f} badges/s), "
          f"peak RSS {float(peak):.0f} MB (process before render {float(base):.0f} MB), PDF {size} MB")
    print(f"print run     {r_n} badges in {float(r_time):.1f} s: {run_rate:.1f} badges/s, "
          f"{run_rate / (args.count / naive):.1f} x the naive baseline; {r_workers} worker processes, "
          f"{r_files} files of {args.per_file}; peak RSS {float(r_parent):.0f} MB (parent), "
          f"{float(r_worker):.0f} MB (largest worker)")
    print(f"CPU time      naive {naive_per_cpu:.1f} badges per CPU-second; print run {run_per_cpu:.1f} per "
          f"CPU-second (parent and workers), so {cores * run_per_cpu:.0f} badges/s on {cores} idle "
          f"cores: {cores * run_per_cpu / naive_per_cpu:.1f} x the naive baseline on one")


if __name__ == "__main__":
    main()
