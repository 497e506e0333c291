"""Every kind of upload an applicant may send, and what the stored photo looks like."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, ImageOps

from app.services import photos
from app.services.photos import (MIN_HEIGHT, MIN_WIDTH, CropBox, PhotoBusy, PhotoError,
                                 normalise_photo)
from registration_support import flat_png, halves_jpeg, image_bytes, png_bomb


def opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image


def test_a_plain_photo_becomes_a_passport_ratio_srgb_jpeg_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (3.0, 8.0, 0.0)}  # GPS
    source = image_bytes((1200, 1600), exif=exif.tobytes(), comment=b"hello")
    image = opened(normalise_photo(source))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert abs(image.width / image.height - 35 / 45) < 0.01
    assert not image.getexif() and "icc_profile" not in image.info and "comment" not in image.info


def test_exif_orientation_is_applied_so_the_stored_photo_stands_upright():
    # A landscape sensor image whose top row is red, tagged "rotate 90° clockwise to view".
    raw = Image.new("RGB", (900, 700), (40, 40, 200))
    raw.paste((220, 20, 20), (0, 0, 900, 60))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    raw.save(out, "JPEG", exif=exif.tobytes())
    image = opened(normalise_photo(out.getvalue()))
    assert image.height > image.width  # portrait after rotation
    # Orientation 6: the sensor's top row ends up on the right edge.
    right = image.getpixel((image.width - 5, image.height // 2))
    left = image.getpixel((5, image.height // 2))
    assert right[0] > 150 and right[2] < 100
    assert left[2] > 150


def test_a_cmyk_jpeg_is_converted_to_rgb():
    source = image_bytes((700, 900), colour=(0, 255, 255, 0), mode="CMYK")
    image = opened(normalise_photo(source))
    assert image.mode == "RGB"
    r, g, b = image.getpixel((350, 450))
    assert r > 200 and g < 60 and b < 60  # no cyan or yellow ink: red


def test_an_embedded_colour_profile_is_applied_and_not_copied_into_the_stored_photo():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = image_bytes((700, 900), colour=(10, 120, 230), icc_profile=srgb)
    image = opened(normalise_photo(source))
    assert "icc_profile" not in image.info
    r, g, b = image.getpixel((350, 450))
    assert abs(r - 10) < 8 and abs(g - 120) < 8 and abs(b - 230) < 8


def test_a_transparent_png_gets_a_white_background():
    source = image_bytes((700, 900), colour=(0, 0, 0, 0), fmt="PNG", mode="RGBA")
    image = opened(normalise_photo(source))
    assert image.getpixel((350, 450)) >= (250, 250, 250)


def test_webp_is_accepted():
    assert opened(normalise_photo(image_bytes((700, 900), fmt="WEBP"))).format == "JPEG"


def test_an_animated_gif_is_refused():
    frames = [Image.new("RGB", (700, 900), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(PhotoError, match="JPEG, PNG or WebP"):
        normalise_photo(out.getvalue())


def test_an_animated_webp_is_refused():
    frames = [Image.new("RGB", (700, 900), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:])
    with pytest.raises(PhotoError, match="Animated images"):
        normalise_photo(out.getvalue())


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = image_bytes((700, 900), quality=95)
    with pytest.raises(PhotoError, match="damaged"):
        normalise_photo(data[: len(data) // 2])


def test_a_pdf_renamed_to_jpg_is_refused():
    with pytest.raises(PhotoError, match="not a readable image"):
        normalise_photo(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF")


@pytest.mark.parametrize("side", [8000, 20000])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(side):
    bomb = png_bomb(side, side)
    assert len(bomb) < 200_000
    with pytest.raises(PhotoError, match="too many pixels"):
        normalise_photo(bomb)


def test_an_empty_or_oversized_upload_is_refused():
    with pytest.raises(PhotoError, match="empty"):
        normalise_photo(b"")
    with pytest.raises(PhotoError, match="larger than 10 MB"):
        normalise_photo(b"\xff" * (10 * 1024 * 1024 + 1))


def test_a_photo_too_small_after_cropping_is_refused_with_its_size():
    source = image_bytes((1200, 1600))
    with pytest.raises(PhotoError, match=rf"at least {MIN_WIDTH} x {MIN_HEIGHT} px"):
        normalise_photo(source, CropBox(100, 100, 200, 257))


def test_the_crop_chosen_in_the_browser_is_what_is_stored():
    # Left half green, right half blue: a crop on the right half stores only blue.
    image = Image.new("RGB", (1400, 900), (20, 180, 20))
    image.paste((20, 20, 200), (700, 0, 1400, 900))
    out = io.BytesIO()
    image.save(out, "PNG")
    stored = opened(normalise_photo(out.getvalue(), CropBox(800, 100, 500, 643)))
    assert abs(stored.width / stored.height - 35 / 45) < 0.01
    colours = stored.getcolors(maxcolors=1_000_000)
    bluish = sum(count for count, (r, g, b) in colours if b > 150 and g < 80)
    assert bluish / (stored.width * stored.height) > 0.99


def test_a_crop_outside_the_photo_is_refused():
    with pytest.raises(PhotoError, match="outside the photo"):
        normalise_photo(image_bytes((700, 900)), CropBox(5000, 5000, 400, 514))


def test_a_transparent_png_with_a_colour_profile_still_gets_a_white_background():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = image_bytes((700, 900), colour=(0, 0, 0, 0), fmt="PNG", mode="RGBA", icc_profile=srgb)
    image = opened(normalise_photo(source))
    assert image.getpixel((350, 450)) >= (250, 250, 250)


def test_a_16_bit_grey_png_keeps_its_tones():
    grey = Image.new("I;16", (700, 900), 32768)  # half of 65535: mid grey
    out = io.BytesIO()
    grey.save(out, "PNG")
    r, g, b = opened(normalise_photo(out.getvalue())).getpixel((350, 450))
    assert 110 < r < 145 and r == g == b


def test_a_phone_camera_jpeg_with_extra_pictures_is_accepted():
    main = Image.new("RGB", (700, 900), (200, 30, 30))
    extra = Image.new("RGB", (160, 120), (0, 0, 255))
    out = io.BytesIO()
    main.save(out, "MPO", save_all=True, append_images=[extra])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    image = opened(normalise_photo(out.getvalue()))
    assert image.size == (600, 771) and image.getpixel((300, 400))[0] > 180


def test_a_png_of_more_than_16_megapixels_is_refused_from_its_header():
    # 7000 x 7000 px in 160 KB: decoding it would take hundreds of megabytes.
    source = flat_png(7000, 7000)
    assert len(source) < 200_000
    with pytest.raises(PhotoError, match=r"too many pixels .*7000 x 7000.*16 megapixels"):
        normalise_photo(source)


def test_a_png_of_16_megapixels_is_still_accepted():
    assert opened(normalise_photo(flat_png(4000, 4000))).size == (600, 771)


def test_a_progressive_jpeg_is_bounded_like_a_png():
    # libjpeg holds a progressive JPEG whole while decoding it: it cannot be decoded reduced.
    with pytest.raises(PhotoError, match="too many pixels"):
        normalise_photo(halves_jpeg((6000, 4000), progressive=True))


@pytest.mark.parametrize("size", [(4000, 3000), (8000, 6000)])
def test_a_12_or_48_megapixel_phone_jpeg_is_cropped_where_the_user_chose(size):
    width, height = size
    # The crop lies on the blue right half, in pixels of the full-size photo.
    crop = CropBox(width * 0.55, height * 0.1, width * 0.35, width * 0.35 * 45 / 35)
    stored = opened(normalise_photo(halves_jpeg(size), crop))
    assert stored.size == (600, 771)
    colours = stored.getcolors(maxcolors=1_000_000)
    bluish = sum(count for count, (r, g, b) in colours if b > 150 and g < 80)
    assert bluish / (stored.width * stored.height) > 0.99


def test_the_minimum_size_is_checked_in_pixels_of_the_full_photo():
    # 310 x 400 px of a 48 MP photo is enough, though it is decoded at half size.
    stored = opened(normalise_photo(halves_jpeg((8000, 6000)), CropBox(5000, 1000, 310, 400)))
    assert stored.size[0] >= MIN_WIDTH and stored.size[1] >= MIN_HEIGHT
    with pytest.raises(PhotoError, match=r"too small after cropping \(290 x 373 px\)"):
        normalise_photo(halves_jpeg((8000, 6000)), CropBox(5000, 1000, 290, 373))


def _quadrants(size, orientation) -> bytes:
    """A JPEG of four coloured quadrants, tagged with an EXIF orientation."""
    width, height = size
    image = Image.new("RGB", size, (230, 30, 30))
    image.paste((30, 200, 30), (width // 2, 0, width, height // 2))
    image.paste((30, 30, 220), (0, height // 2, width // 2, height))
    image.paste((240, 240, 40), (width // 2, height // 2, width, height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_crop_of_a_rotated_photo_decoded_reduced_matches_the_crop_of_the_upright_photo(orientation):
    source = _quadrants((6000, 4500), orientation)
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(source)))
    # A frame across the centre of the upright picture: every quadrant shows in it.
    crop = CropBox(upright.width * 0.3, upright.height * 0.25, 1400, 1800)
    expected = upright.crop((round(crop.x), round(crop.y), round(crop.x + crop.width),
                             round(crop.y + crop.height))).resize((600, 771))
    stored = opened(normalise_photo(source, crop))
    assert stored.size == (600, 771)
    for point in [(60, 60), (540, 60), (60, 710), (540, 710), (300, 385)]:
        got, want = stored.getpixel(point), expected.getpixel(point)
        assert all(abs(a - b) < 40 for a, b in zip(got, want)), (point, got, want)


def test_a_photo_waits_for_a_free_slot_and_is_told_to_try_again_when_none_frees(monkeypatch):
    monkeypatch.setattr(photos, "BUSY_AFTER_SECONDS", 0.01)
    taken = [photos._slots.acquire(blocking=False) for _ in range(photos.CONCURRENT_PHOTOS)]
    try:
        assert all(taken)
        with pytest.raises(PhotoBusy, match="busy .* try again"):
            normalise_photo(image_bytes((700, 900)))
    finally:
        for _ in taken:
            photos._slots.release()
    assert opened(normalise_photo(image_bytes((700, 900)))).format == "JPEG"


@pytest.mark.parametrize("crop", [CropBox(1.7e308, 0, 1.7e308, 1.7e308),
                                  CropBox(0, 0, float("inf"), 900),
                                  CropBox(float("nan"), 0, 700, 900)])
def test_a_crop_of_huge_or_impossible_numbers_is_refused_as_outside_the_photo(crop):
    with pytest.raises(PhotoError, match="outside the photo"):
        normalise_photo(image_bytes((700, 900)), crop)
