import io

import pytest
from PIL import Image

from lib.mockups import (
    Fit,
    Position,
    crop_positions,
    effective_dpi,
    encode,
    furniture_for,
    mockup,
    print_area,
)

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def halves(size: tuple[int, int], *, split: str) -> Image.Image:
    """A picture in two colours: red on top (or left), blue below (or right)."""
    picture = Image.new("RGB", size, BLUE)
    w, h = size
    picture.paste(RED, (0, 0, w, h // 2) if split == "top" else (0, 0, w // 2, h))
    return picture


def close(pixel, colour, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def colours(image: Image.Image) -> set[tuple[int, int, int]]:
    return {colour for _, colour in image.getcolors(maxcolors=image.width * image.height)}


def area(image: Image.Image, match) -> int:
    counted = image.getcolors(maxcolors=image.width * image.height)
    return sum(count for count, colour in counted if match(colour))


def extent(image: Image.Image, match) -> tuple[int, int, int, int]:
    """The bounding box of the pixels that `match`: rows and columns holding such a colour."""
    wanted = {colour for colour in colours(image) if match(colour)}

    def hits(boxes) -> list[int]:
        return [n for n, box in enumerate(boxes) if wanted & colours(image.crop(box))]

    rows = hits((0, y, image.width, y + 1) for y in range(image.height))
    cols = hits((x, rows[0], x + 1, rows[-1] + 1) for x in range(image.width))
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


@pytest.mark.parametrize(
    ("position", "kept"),
    [(Position.TOP, {RED}), (Position.BOTTOM, {BLUE}), (Position.CENTER, {RED, BLUE})],
)
def test_fill_keeps_the_chosen_part_of_a_tall_picture(position, kept):
    """A tall picture on a wide print is cut top and bottom; top keeps the top colour."""
    printed = print_area(
        halves((100, 200), split="top"),
        width_cm=20,
        height_cm=10,
        fit=Fit.FILL,
        position=position,
        long_side_px=200,
    )
    assert printed.size == (200, 100)
    corners = {printed.getpixel(xy) for xy in [(0, 0), (199, 0), (0, 99), (199, 99)]}
    assert {colour for colour in kept if any(close(c, colour) for c in corners)} == kept


@pytest.mark.parametrize(("position", "colour"), [(Position.LEFT, RED), (Position.RIGHT, BLUE)])
def test_fill_keeps_the_left_or_right_of_a_wide_picture(position, colour):
    """A wide picture on a portrait print is cut at the sides; left keeps the left colour."""
    printed = print_area(
        halves((300, 100), split="left"),
        width_cm=10,
        height_cm=15,
        fit=Fit.FILL,
        position=position,
        long_side_px=150,
    )
    assert printed.size == (100, 150)
    assert all(close(c, colour) for c in colours(printed))


def test_fit_leaves_a_white_border_and_keeps_the_whole_picture():
    """Fitting a 2:1 picture on a square print: white above and below, both colours inside."""
    printed = print_area(
        halves((200, 100), split="left"),
        width_cm=30,
        height_cm=30,
        fit=Fit.FIT,
        position=Position.CENTER,
        long_side_px=300,
    )
    assert printed.size == (300, 300)
    assert printed.getpixel((150, 5)) == WHITE and printed.getpixel((150, 294)) == WHITE
    assert close(printed.getpixel((20, 150)), RED) and close(printed.getpixel((280, 150)), BLUE)
    # The picture spans the print's width: no border at the sides.
    assert not close(printed.getpixel((0, 150)), WHITE)


@pytest.mark.parametrize(
    ("width_cm", "height_cm", "long_side", "size"),
    [(15, 15, 640, (640, 640)), (22, 15, 2200, (2200, 1500)), (15, 22, 880, (600, 880))],
)
@pytest.mark.parametrize("fit", list(Fit))
def test_output_has_the_print_aspect_exactly(width_cm, height_cm, long_side, size, fit):
    """The print is exactly the print's shape at the asked long side, whatever the picture."""
    printed = print_area(
        halves((1536, 1024), split="top"),
        width_cm=width_cm,
        height_cm=height_cm,
        fit=fit,
        position=Position.CENTER,
        long_side_px=long_side,
    )
    assert printed.size == size
    assert printed.mode == "RGB"


def test_transparent_and_grey_pictures_print_as_rgb_on_white():
    """Transparency becomes white paper; a greyscale picture comes out RGB."""
    clear = Image.new("RGBA", (50, 50), (255, 0, 0, 0))
    printed = print_area(
        clear, width_cm=5, height_cm=5, fit=Fit.FILL, position=Position.CENTER, long_side_px=50
    )
    assert printed.mode == "RGB" and colours(printed) == {WHITE}
    grey = Image.new("L", (50, 50), 128)
    printed = print_area(
        grey, width_cm=5, height_cm=5, fit=Fit.FILL, position=Position.CENTER, long_side_px=50
    )
    assert printed.mode == "RGB" and colours(printed) == {(128, 128, 128)}


def test_a_picture_with_an_srgb_profile_keeps_its_colours():
    """An embedded sRGB profile is applied (to sRGB), so the colours stay as they were."""
    from PIL import ImageCms

    tagged = Image.new("RGB", (40, 40), (200, 120, 40))
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    tagged.info["icc_profile"] = profile
    printed = print_area(
        tagged, width_cm=4, height_cm=4, fit=Fit.FILL, position=Position.CENTER, long_side_px=40
    )
    assert all(close(c, (200, 120, 40), 3) for c in colours(printed))


@pytest.mark.parametrize(
    ("size", "print_cm", "fit", "dpi"),
    [
        ((1024, 1024), (15, 15), Fit.FILL, 173),
        ((1024, 1024), (15, 15), Fit.FIT, 173),
        ((1536, 1024), (15, 22), Fit.FILL, 118),  # a crop of 698 px spread over 15 cm
        ((1536, 1024), (15, 22), Fit.FIT, 260),  # 1536 px over 15 cm, white above and below
        ((1024, 1024), (40, 40), Fit.FILL, 65),
    ],
)
def test_effective_dpi(size, print_cm, fit, dpi):
    """The DPI the print gets: filling spreads fewer pixels over the print than fitting."""
    assert effective_dpi(*size, width_cm=print_cm[0], height_cm=print_cm[1], fit=fit) == dpi


def test_crop_positions_only_where_something_is_cut():
    """Wide on a square: left/right; tall on wide: top/bottom; same shape: nothing to choose."""
    assert crop_positions(1536, 1024, width_cm=15, height_cm=15) == (
        Position.CENTER,
        Position.LEFT,
        Position.RIGHT,
    )
    assert crop_positions(1024, 1536, width_cm=22, height_cm=15) == (
        Position.CENTER,
        Position.TOP,
        Position.BOTTOM,
    )
    assert crop_positions(1024, 1024, width_cm=40, height_cm=40) == ()
    assert crop_positions(1536, 1024, width_cm=30, height_cm=20) == ()


def is_red(pixel) -> bool:
    return close(pixel, RED, 20)


def is_sofa(pixel) -> bool:
    """The sofa's blue-grey fabric (and nothing else in the scene is bluish)."""
    r, g, b = pixel[:3]
    return b > r + 15 and r < 130


def test_mockup_is_the_asked_width_in_a_fixed_shape():
    """800 px wide by default, 7:10, and smaller on request."""
    picture = Image.new("RGB", (64, 64), RED)
    shown = mockup(
        picture, width_cm=15, height_cm=15, medium="paper", fit=Fit.FILL, position="center"
    )
    assert shown.size == (800, 560) and shown.mode == "RGB"
    small = mockup(
        picture,
        width_cm=15,
        height_cm=15,
        medium="paper",
        fit=Fit.FILL,
        position="center",
        out_width=400,
    )
    assert small.size == (400, 280)


def test_a_large_print_is_drawn_to_scale_with_the_sofa():
    """A 100 cm canvas is half the width of the 2 m sofa under it (arms included: 202 cm)."""
    shown = mockup(
        Image.new("RGB", (60, 42), RED),
        width_cm=100,
        height_cm=70,
        medium="canvas",
        fit=Fit.FILL,
        position=Position.CENTER,
    )
    assert furniture_for(width_cm=100, height_cm=70, medium="canvas").name == "sofa"
    art, sofa = extent(shown, is_red), extent(shown, is_sofa)
    assert (art[2] - art[0]) / (sofa[2] - sofa[0]) == pytest.approx(100 / 202, rel=0.03)
    assert (art[3] - art[1]) / (art[2] - art[0]) == pytest.approx(0.7, rel=0.03)
    assert art[3] < sofa[1]  # hung above it


def is_door(pixel) -> bool:
    """The sideboard's walnut doors."""
    return close(pixel, (126, 90, 60), 6)


@pytest.mark.parametrize(
    ("small", "large", "medium", "furniture"),
    [
        ((70, 100), (100, 140), "canvas", is_sofa),
        ((80, 60), (120, 80), "paper", is_sofa),
        ((15, 15), (30, 30), "paper", is_door),
        ((20, 30), (40, 40), "canvas", is_door),
    ],
)
def test_a_larger_print_takes_more_wall_relative_to_the_furniture(small, large, medium, furniture):
    """More picture per sofa (or sideboard) for the bigger print, in proportion to its area."""

    def share(size) -> float:
        assert furniture_for(width_cm=size[0], height_cm=size[1], medium=medium).name == (
            "sofa" if furniture is is_sofa else "sideboard"
        )
        shown = mockup(
            Image.new("RGB", (50, 50), RED),
            width_cm=size[0],
            height_cm=size[1],
            medium=medium,
            fit=Fit.FIT,
            position=Position.CENTER,
        )
        # A square red picture fitted on the print: a red square as wide as its short side.
        return area(shown, is_red) / area(shown, furniture)

    ratio = share(large) / share(small)
    assert ratio > 1
    assert ratio == pytest.approx((min(large) / min(small)) ** 2, rel=0.08)


def test_small_prints_hang_over_a_sideboard_at_its_scale():
    """A 20 cm print is shown over a 150 cm sideboard, and 20 cm wide next to its doors."""
    assert furniture_for(width_cm=20, height_cm=20, medium="paper").name == "sideboard"
    shown = mockup(
        Image.new("RGB", (50, 50), RED),
        width_cm=20,
        height_cm=20,
        medium="paper",
        fit=Fit.FILL,
        position=Position.CENTER,
    )
    art, doors = extent(shown, is_red), extent(shown, is_door)
    assert (art[2] - art[0]) / (doors[2] - doors[0]) == pytest.approx(20 / 144, rel=0.05)
    assert art[3] < doors[1]


def test_canvas_and_paper_mockups_differ():
    """Paper: a dark frame and a light mat round the print; canvas: the picture to its edge,
    with a shaded side (its wrap) on the right."""
    picture = Image.new("RGB", (50, 50), RED)
    common = {"width_cm": 40, "height_cm": 40, "fit": Fit.FILL, "position": Position.CENTER}
    paper = mockup(picture, medium="paper", **common)
    canvas = mockup(picture, medium="canvas", **common)
    assert paper.tobytes() != canvas.tobytes()

    left, top, right, bottom = extent(paper, is_red)
    middle = (top + bottom) // 2
    mat = paper.getpixel((left - 4, middle))
    assert min(mat) > 225  # the off-white mat
    frame_x = next(x for x in range(left - 1, 0, -1) if max(paper.getpixel((x, middle))) < 80)
    assert left - frame_x < 40  # then the frame, a mat's width out

    left, top, right, bottom = extent(canvas, is_red)
    side = canvas.getpixel((right + 2, (top + bottom) // 2))
    assert side[0] > 120 and side[0] < 220 and side[1] < 60  # red in shade: the wrapped edge
    assert max(canvas.getpixel((left - 3, (top + bottom) // 2))) > 150  # wall, no frame


def test_fit_on_the_wall_shows_the_white_border():
    """A wide picture fitted on a square canvas shows white paper above and below it."""
    shown = mockup(
        Image.new("RGB", (100, 50), RED),
        width_cm=40,
        height_cm=40,
        medium="canvas",
        fit=Fit.FIT,
        position=Position.CENTER,
    )
    left, top, right, bottom = extent(shown, is_red)
    assert (right - left) == pytest.approx(2 * (bottom - top), rel=0.05)
    assert min(shown.getpixel(((left + right) // 2, top - 3))) > 245


def test_encode_makes_a_webp_pillow_reads():
    """The default encoding is WebP of the same size."""
    data = encode(Image.new("RGB", (80, 56), BLUE))
    with Image.open(io.BytesIO(data)) as read:
        assert read.format == "WEBP" and read.size == (80, 56)
    with Image.open(io.BytesIO(encode(Image.new("RGB", (8, 8)), "PNG"))) as read:
        assert read.format == "PNG"
