"""The door's camera decoder is served by the app itself, as browsers need it, and nothing comes from
another origin."""
from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "app" / "static" / "vendor" / "zxing-wasm"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href", "action") and value]


def test_decoder_wasm_is_served_as_application_wasm(client):
    response = client.get("/static/vendor/zxing-wasm/zxing_reader.wasm")
    assert response.status_code == 200
    assert response.mimetype == "application/wasm"
    assert response.data[:4] == b"\0asm"  # the WebAssembly magic number


def test_vendored_decoder_is_the_pinned_version_and_its_files_match_their_checksums():
    first, *sums = (VENDOR / "VERSION").read_text().splitlines()
    pinned = json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"]["zxing-wasm"]
    assert first.startswith(f"zxing-wasm {pinned} ")
    files = {name: digest for digest, name in (line.split() for line in sums)}
    assert sorted(files) == ["LICENSE", "index.js", "zxing_reader.wasm"]
    for name, digest in files.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_door_page_loads_only_this_apps_files_and_the_policy_allows_no_other_origin(client, login):
    login("door")
    response = client.get("/door/")
    parser = _Links()
    parser.feed(response.get_data(as_text=True))
    scripts = [url for url in parser.urls if url.endswith(".js")]
    assert scripts == ["/static/vendor/zxing-wasm/index.js", "/static/door/camera.js",
                       "/static/door/store.js", "/static/door/rules.js", "/static/door/door.js"]
    assert all(url.startswith("/") and not url.startswith("//") for url in parser.urls), parser.urls
    for url in scripts:
        assert client.get(url).status_code == 200, url

    header = response.headers["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    sources = {source for value in policy.values() for source in value.split()}
    assert sources <= {"'self'", "'none'", "data:", "blob:", "'wasm-unsafe-eval'", "'unsafe-inline'"}
    # The decoder compiles WebAssembly, and nothing more: no eval, no inline scripts.
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"


def test_camera_scripts_are_loaded_only_on_the_door_page(client):
    page = client.get("/login").get_data(as_text=True)
    assert "zxing" not in page and "camera.js" not in page
