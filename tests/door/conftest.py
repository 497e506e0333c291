"""Fixtures of the door tests: a Chromium whose camera films a file."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def camera_video(tmp_path) -> Path:
    """What the fake camera films. Chromium opens it when the page asks for the camera, so a
    test writes it (with write_y4m) after the browser has started."""
    return tmp_path / "camera.y4m"


@pytest.fixture
def camera_page(browser_launch, camera_video):
    """Every page here comes from a Chromium of its own whose camera films `camera_video`, with
    camera permission granted as a door phone's would be."""
    browser = browser_launch("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                             f"--use-file-for-fake-video-capture={camera_video}")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
