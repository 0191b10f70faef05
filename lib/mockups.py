"""Pictures of a print before it is made: the print itself, and the print on a wall.

Pillow only; imports no app. `print_area` is the picture exactly as it will be printed (the
print's aspect, cropped to fill or fitted inside a white border); the lab's print master is the
same function at the lab's pixel size, so a shopper sees what the lab gets. `mockup` hangs it on
a wall above a piece of furniture, both drawn to the same scale, so a 15 cm print looks as small
next to a sideboard as it will be. Sizes are in centimetres; y in a scene grows up from the floor.
"""

import io
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache, lru_cache

from PIL import Image, ImageCms, ImageDraw, ImageEnhance, ImageFilter

CM_PER_INCH = 2.54
WHITE = (255, 255, 255)
# Aspects closer than this (1 %) crop nothing anyone can see: fill and fit look the same.
ASPECT_TOLERANCE = 0.01
# A canvas is stretched over a 3.8 cm bar and the picture wraps round its sides.
CANVAS_DEPTH_CM = 3.8
# The space between the top of the furniture and the bottom of the picture.
HANG_GAP_CM = 20
# Mock-ups are this wide for each unit of height.
SCENE_ASPECT = 0.7
FLOOR_AT = 0.86  # of the scene's height, from the top

Centimetres = float | int | Decimal


class Fit(StrEnum):
    FILL = "fill"  # crop the picture so it covers the whole print
    FIT = "fit"  # the whole picture inside the print, with a white border where aspects differ


class Position(StrEnum):
    """Which part of the picture a fill-crop keeps."""

    CENTER = "center"
    TOP = "top"
    BOTTOM = "bottom"
    LEFT = "left"
    RIGHT = "right"


class Medium(StrEnum):
    PAPER = "paper"  # an art print, framed with a mat in the mock-up
    CANVAS = "canvas"  # a gallery-wrapped canvas


@dataclass(frozen=True)
class Furniture:
    name: str
    width_cm: int
    height_cm: int
    view_cm: int  # how much wall the scene shows across, before it widens for a large piece

    @property
    def label(self) -> str:
        """For captions: "a 200 cm sofa"."""
        return f"a {self.width_cm} cm {self.name}"


SOFA = Furniture("sofa", width_cm=200, height_cm=86, view_cm=360)
SIDEBOARD = Furniture("sideboard", width_cm=150, height_cm=76, view_cm=250)
# Pieces up to this wide (frame included) hang over the sideboard; larger ones over the sofa.
SIDEBOARD_MAX_PIECE_CM = 60


# The print


def aspects_match(src_w: int, src_h: int, *, width_cm: Centimetres, height_cm: Centimetres) -> bool:
    """True when the picture and the print have the same shape (nothing to crop or border)."""
    picture = src_w / src_h
    paper = float(width_cm) / float(height_cm)
    return abs(math.log(picture / paper)) < ASPECT_TOLERANCE


def crop_positions(
    src_w: int, src_h: int, *, width_cm: Centimetres, height_cm: Centimetres
) -> tuple[Position, ...]:
    """The positions a fill-crop can choose between; none when the aspects match."""
    if aspects_match(src_w, src_h, width_cm=width_cm, height_cm=height_cm):
        return ()
    if src_w / src_h > float(width_cm) / float(height_cm):
        return (Position.CENTER, Position.LEFT, Position.RIGHT)  # the sides are cut off
    return (Position.CENTER, Position.TOP, Position.BOTTOM)


def print_pixels(
    *, width_cm: Centimetres, height_cm: Centimetres, long_side_px: int
) -> tuple[int, int]:
    """The pixel size of a print whose long side is `long_side_px`, in the print's aspect."""
    width, height = float(width_cm), float(height_cm)
    if width >= height:
        return long_side_px, max(1, round(long_side_px * height / width))
    return max(1, round(long_side_px * width / height)), long_side_px


def print_area(
    source: Image.Image,
    *,
    width_cm: Centimetres,
    height_cm: Centimetres,
    fit: Fit,
    position: Position,
    long_side_px: int,
) -> Image.Image:
    """The picture exactly as it will be printed: sRGB RGB, the print's aspect, LANCZOS."""
    fit, position = Fit(fit), Position(position)
    picture = to_srgb(source)
    size = print_pixels(width_cm=width_cm, height_cm=height_cm, long_side_px=long_side_px)
    if fit is Fit.FILL:
        box = _crop_box(picture.size, size, position)
        return picture.resize(size, Image.Resampling.LANCZOS, box=box)
    scale = min(size[0] / picture.width, size[1] / picture.height)
    inner = (
        min(size[0], max(1, round(picture.width * scale))),
        min(size[1], max(1, round(picture.height * scale))),
    )
    printed = Image.new("RGB", size, WHITE)
    offset = ((size[0] - inner[0]) // 2, (size[1] - inner[1]) // 2)
    printed.paste(picture.resize(inner, Image.Resampling.LANCZOS), offset)
    return printed


def _crop_box(
    have: tuple[int, int], want: tuple[int, int], position: Position
) -> tuple[float, float, float, float]:
    """The part of the picture (in its own pixels, fractions allowed) that fills the print."""
    w, h = have
    aspect = want[0] / want[1]
    if w / h > aspect:  # wider than the print: cut the sides
        crop = h * aspect
        left = {Position.LEFT: 0.0, Position.RIGHT: w - crop}.get(position, (w - crop) / 2)
        return (left, 0.0, left + crop, float(h))
    crop = w / aspect  # taller than the print: cut the top and bottom
    top = {Position.TOP: 0.0, Position.BOTTOM: h - crop}.get(position, (h - crop) / 2)
    return (0.0, top, float(w), top + crop)


def effective_dpi(
    src_w: int, src_h: int, *, width_cm: Centimetres, height_cm: Centimetres, fit: Fit
) -> int:
    """The dots per inch the print gets from the picture's pixels, rounded down.

    Filling spreads the picture's short side (relative to the print) over the whole print, so
    it prints coarser than fitting, which shrinks the picture until all of it is inside.
    """
    across = src_w / (float(width_cm) / CM_PER_INCH)
    down = src_h / (float(height_cm) / CM_PER_INCH)
    dpi = min(across, down) if Fit(fit) is Fit.FILL else max(across, down)
    return math.floor(dpi + 1e-9)


def to_srgb(source: Image.Image) -> Image.Image:
    """The picture in sRGB, as RGB; transparent parts become white paper."""
    picture = source
    profile = picture.info.get("icc_profile")
    if profile and picture.mode in ("RGB", "RGBA", "CMYK", "L"):
        picture = _profile_to_srgb(picture, profile)
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, WHITE + (255,))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return picture if picture.mode == "RGB" else picture.convert("RGB")


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _profile_to_srgb(picture: Image.Image, profile: bytes) -> Image.Image:
    alpha = picture.getchannel("A") if picture.mode == "RGBA" else None
    colour = picture.convert("RGB") if alpha is not None else picture
    try:
        embedded = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(colour, embedded, _srgb_profile(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # an unreadable profile: the pixels are taken as sRGB
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def encode(image: Image.Image, fmt: str = "WEBP") -> bytes:
    """The image as bytes: WebP (quality 82) by default, or any format Pillow writes."""
    out = io.BytesIO()
    if fmt.upper() == "WEBP":
        image.save(out, "WEBP", quality=82, method=2)  # method 4+ costs 3x for ~5 %
    else:
        image.save(out, fmt)
    return out.getvalue()


# The mock-up


@dataclass(frozen=True)
class _Piece:
    """What hangs on the wall, in cm: the print plus its mat and frame, or a canvas."""

    medium: Medium
    width_cm: float
    height_cm: float
    mat_cm: float
    frame_cm: float

    @property
    def outer_width_cm(self) -> float:
        return self.width_cm + 2 * (self.mat_cm + self.frame_cm)

    @property
    def outer_height_cm(self) -> float:
        return self.height_cm + 2 * (self.mat_cm + self.frame_cm)


def _piece(width_cm: float, height_cm: float, medium: Medium) -> _Piece:
    if medium is Medium.CANVAS:
        return _Piece(medium, width_cm, height_cm, mat_cm=0, frame_cm=0)
    long_side = max(width_cm, height_cm)
    mat = min(10.0, max(4.0, 4 + 0.1 * long_side))  # 5.5 cm round a 15 cm print, 8 round 40
    frame = 2.0 if long_side < 50 else 3.0
    return _Piece(medium, width_cm, height_cm, mat_cm=mat, frame_cm=frame)


def furniture_for(*, width_cm: Centimetres, height_cm: Centimetres, medium: str) -> Furniture:
    """The furniture a piece hangs over in its mock-up: small pieces over a sideboard."""
    piece = _piece(float(width_cm), float(height_cm), Medium(medium))
    return SIDEBOARD if piece.outer_width_cm <= SIDEBOARD_MAX_PIECE_CM else SOFA


@dataclass(frozen=True)
class _Layout:
    """Where centimetres land in the scene's pixels: x from the middle of the wall (left
    negative), y up from the floor."""

    width: int
    height: int
    px_per_cm: float
    middle_x: float
    floor_y: float

    def x(self, cm: float) -> float:
        return self.middle_x + cm * self.px_per_cm

    def y(self, cm: float) -> float:
        return self.floor_y - cm * self.px_per_cm

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A box from its lower-left and upper-right corners in cm, as Pillow's (l, t, r, b)."""
        return (self.x(x0), self.y(y1), self.x(x1), self.y(y0))

    def within(self, region: tuple[int, int, int, int], factor: int) -> "_Layout":
        """The same scene in a crop of it (`region`, in pixels), enlarged `factor` times."""
        return _Layout(
            (region[2] - region[0]) * factor,
            (region[3] - region[1]) * factor,
            self.px_per_cm * factor,
            (self.middle_x - region[0]) * factor,
            (self.floor_y - region[1]) * factor,
        )


def _layout(furniture: Furniture, piece: _Piece, out_width: int) -> _Layout:
    """The furniture's own scale, widened when a large piece would not fit on the wall."""
    height = round(out_width * SCENE_ASPECT)
    top_cm = furniture.height_cm + HANG_GAP_CM + piece.outer_height_cm
    need_up = top_cm + max(15.0, 0.15 * piece.outer_height_cm)  # wall above the piece
    need_across = max(furniture.view_cm, piece.outer_width_cm + 80, furniture.width_cm + 60)
    floor_y = round(height * FLOOR_AT)
    px_per_cm = round(min(out_width / need_across, floor_y / need_up), 4)
    return _Layout(out_width, height, px_per_cm, out_width / 2, floor_y)


def mockup(
    source: Image.Image,
    *,
    width_cm: Centimetres,
    height_cm: Centimetres,
    medium: str,
    fit: Fit,
    position: Position,
    out_width: int = 800,
) -> Image.Image:
    """The print on a wall at true scale to a piece of furniture: framed with a mat (paper)
    or as a gallery-wrapped canvas showing its side, with a soft shadow. RGB."""
    medium = Medium(medium)
    piece = _piece(float(width_cm), float(height_cm), medium)
    furniture = furniture_for(width_cm=width_cm, height_cm=height_cm, medium=medium)
    layout = _layout(furniture, piece, out_width)
    scene = _room(furniture, layout).copy()
    face = print_area(
        source,
        width_cm=width_cm,
        height_cm=height_cm,
        fit=fit,
        position=position,
        long_side_px=max(1, round(max(piece.width_cm, piece.height_cm) * layout.px_per_cm)),
    )
    art = _framed(face, piece, layout) if medium is Medium.PAPER else _canvas(face, layout)
    left = round(layout.x(0) - art.front[0] / 2)
    bottom = layout.y(furniture.height_cm + HANG_GAP_CM)
    top = round(bottom - art.front[1])
    front = (left, top, left + art.front[0], top + art.front[1])
    depth = CANVAS_DEPTH_CM if medium is Medium.CANVAS else 2.5
    _shadow(
        scene,
        front,
        layout,
        offset_cm=(0.4 * depth, 0.5 * depth),
        blur_cm=0.5 * depth,
        opacity=0.34,
    )
    _shadow(scene, front, layout, offset_cm=(0.1, 0.15), blur_cm=0.15, opacity=0.3)
    scene.paste(art.image, (left, top), art.image)
    return scene


@dataclass(frozen=True)
class _Art:
    image: Image.Image  # RGBA: the front, and for a canvas its side beyond it
    front: tuple[int, int]


def _framed(face: Image.Image, piece: _Piece, layout: _Layout) -> _Art:
    """A black frame, an off-white mat with a bevelled window, the print in it."""
    mat = max(2, round(piece.mat_cm * layout.px_per_cm))
    frame = max(2, round(piece.frame_cm * layout.px_per_cm))
    w, h = face.width + 2 * (mat + frame), face.height + 2 * (mat + frame)
    art = Image.new("RGBA", (w, h), (38, 35, 33, 255))
    draw = ImageDraw.Draw(art)
    # The frame's moulding catches the light on its upper and left edges.
    draw.line([(0, h - 1), (0, 0), (w - 1, 0)], fill=(88, 82, 77, 255))
    draw.line([(w - 1, 1), (w - 1, h - 1), (1, h - 1)], fill=(22, 20, 19, 255))
    draw.rectangle((frame, frame, w - frame - 1, h - frame - 1), fill=(247, 245, 239, 255))
    # The frame's lip shades the mat's top and left edges a little.
    draw.line(
        [(frame, h - frame - 1), (frame, frame), (w - frame - 1, frame)], fill=(214, 209, 200, 255)
    )
    window = (frame + mat, frame + mat)
    draw.rectangle(
        (window[0] - 1, window[1] - 1, window[0] + face.width, window[1] + face.height),
        fill=(255, 255, 253, 255),
    )  # the white core of the bevel cut
    art.paste(face, window)
    return _Art(art, (w, h))


def _canvas(face: Image.Image, layout: _Layout) -> _Art:
    """The face, and its right-hand side seen a little from the left, in shade.

    The picture wraps round the bar as a mirror of its edge, so the side shows what the
    print's last few centimetres show, mirrored.
    """
    depth = max(1, round(CANVAS_DEPTH_CM * layout.px_per_cm))
    seen = max(3, round(depth * 0.75))
    inset = max(1, round(seen * 0.35))  # the far edge, against the wall, looks shorter
    fw, fh = face.size
    side = face.crop((max(0, fw - depth), 0, fw, fh)).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    side = ImageEnhance.Brightness(side.resize((seen, fh), Image.Resampling.BILINEAR)).enhance(0.7)
    art = Image.new("RGBA", (fw + seen, fh), (0, 0, 0, 0))
    art.paste(face, (0, 0))
    mask = Image.new("L", (seen, fh), 0)
    ImageDraw.Draw(mask).polygon(
        [(0, 0), (seen - 1, inset), (seen - 1, fh - 1 - inset), (0, fh - 1)], fill=255
    )
    art.paste(side, (fw, 0), mask)
    draw = ImageDraw.Draw(art)
    draw.line([(0, fh - 1), (0, 0), (fw - 1, 0)], fill=(255, 255, 255, 70))  # edges in the light
    draw.line([(fw - 1, 0), (fw - 1, fh - 1)], fill=(0, 0, 0, 60))  # where the face turns
    return _Art(art, (fw, fh))


def _shadow(
    scene: Image.Image,
    front: tuple[int, int, int, int],
    layout: _Layout,
    *,
    offset_cm: tuple[float, float],
    blur_cm: float,
    opacity: float,
) -> None:
    """A soft shadow of the piece on the wall, light from the upper left."""
    blur = max(1.0, blur_cm * layout.px_per_cm)
    dx, dy = (round(d * layout.px_per_cm) for d in offset_cm)
    margin = math.ceil(3 * blur) + max(dx, dy) + 2
    region = (
        max(0, front[0] - margin),
        max(0, front[1] - margin),
        min(scene.width, front[2] + margin),
        min(scene.height, front[3] + margin),
    )
    mask = Image.new("L", (region[2] - region[0], region[3] - region[1]), 0)
    ImageDraw.Draw(mask).rectangle(
        (
            front[0] - region[0] + dx,
            front[1] - region[1] + dy,
            front[2] - region[0] + dx - 1,
            front[3] - region[1] + dy - 1,
        ),
        fill=round(255 * opacity),
    )
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    patch = scene.crop(region)
    patch.paste((28, 24, 20), (0, 0, *patch.size), mask)
    scene.paste(patch, region[:2])


# The room: wall, floor and furniture. The same for every piece of one size, so it is drawn
# once per process and copied. The furniture is drawn at twice the size and reduced, for
# smooth edges; its soft shadow is blurred at a quarter of the size, which looks the same.

SUPERSAMPLE = 2
WALL_TOP, WALL_BOTTOM = (236, 231, 223), (219, 212, 202)
FLOOR_FAR, FLOOR_NEAR = (184, 152, 120), (146, 113, 83)
SKIRTING = (245, 242, 236)
SKIRTING_CM = 9


@lru_cache(maxsize=8)  # about 1.3 MB each at 800 px
def _room(furniture: Furniture, layout: _Layout) -> Image.Image:
    floor_y = round(layout.floor_y)
    wall = _gradient((layout.width, floor_y), WALL_TOP, WALL_BOTTOM, glow=7)
    floor = _gradient((layout.width, layout.height - floor_y), FLOOR_FAR, FLOOR_NEAR, glow=0)
    room = Image.new("RGB", (layout.width, layout.height))
    room.paste(wall, (0, 0))
    room.paste(floor, (0, floor_y))
    draw = ImageDraw.Draw(room)
    _floorboards(draw, layout)
    skirting_top = round(layout.y(SKIRTING_CM))
    draw.rectangle((0, skirting_top, layout.width, floor_y - 1), fill=SKIRTING)
    draw.line([(0, skirting_top), (layout.width, skirting_top)], fill=(212, 206, 197))
    draw.line([(0, floor_y), (layout.width, floor_y)], fill=(120, 92, 68))
    _furniture(room, furniture, layout)
    return room


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple, *, glow: float) -> Image.Image:
    """Top to bottom, with an optional soft light from the upper left; drawn small, enlarged."""
    cols, rows = 40, 28
    small = Image.new("RGB", (cols, rows))
    pixels = small.load()
    for row in range(rows):
        t = row / (rows - 1)
        for col in range(cols):
            reach = math.hypot(col / (cols - 1) - 0.3, (t - 0.1) * 1.2)
            light = glow * (1 - min(1.0, reach * 1.25)) ** 2
            pixels[col, row] = tuple(
                min(255, round(a + (b - a) * t + light)) for a, b in zip(top, bottom, strict=True)
            )
    return small.resize(size, Image.Resampling.BICUBIC)


def _floorboards(draw: ImageDraw.ImageDraw, layout: _Layout) -> None:
    """Boards along the wall: seams that open up towards the viewer."""
    y, gap = float(layout.floor_y), 3.0 * layout.px_per_cm
    while y < layout.height:
        y += gap
        gap *= 1.45
        draw.line([(0, round(y)), (layout.width, round(y))], fill=(136, 105, 77))


def _furniture(room: Image.Image, furniture: Furniture, layout: _Layout) -> None:
    """The furniture and its shadows, drawn in a patch of the room around it."""
    shapes = SOFA_SHAPES if furniture is SOFA else SIDEBOARD_SHAPES
    half = max(abs(x) for _, (x0, _, x1, _), _, _ in shapes for x in (x0, x1)) + 14
    margin = 14
    left, top, right, _ = layout.box(-half, 0, half, furniture.height_cm + 60 + margin)
    region = (
        max(0, math.floor(left)),
        max(0, math.floor(top)),
        min(room.width, math.ceil(right)),
        room.height,
    )
    big = layout.within(region, SUPERSAMPLE)
    patch = room.crop(region).resize((big.width, big.height), Image.Resampling.BILINEAR)
    _furniture_shadow(patch, shapes, big, furniture)
    _draw_shapes(ImageDraw.Draw(patch), shapes, big)
    room.paste(patch.reduce(SUPERSAMPLE), region[:2])


def _furniture_shadow(
    patch: Image.Image, shapes: list, layout: _Layout, furniture: Furniture
) -> None:
    """A soft shadow behind the furniture on the wall, and a darker one under it on the floor."""
    quarter = 4
    small = _Layout(
        layout.width // quarter,
        layout.height // quarter,
        layout.px_per_cm / quarter,
        layout.middle_x / quarter,
        layout.floor_y / quarter,
    )
    mask = Image.new("L", (small.width, small.height), 0)
    draw = ImageDraw.Draw(mask)
    lift = 1.0  # cm: the shadow falls a little right and down, light from the upper left
    solid = [
        (kind, (x0 + 2 * lift, y0 - lift, x1 + 2 * lift, y1 - lift), c, r)
        for kind, (x0, y0, x1, y1), c, r in shapes
        if kind in ("box", "leg")
    ]
    _draw_shapes(draw, solid, small, fill=80)
    half = furniture.width_cm / 2
    draw.rounded_rectangle(
        small.box(-half + 4, -3, half + 4, 1), radius=small.px_per_cm * 2, fill=120
    )
    mask = mask.filter(ImageFilter.GaussianBlur(2.5 * small.px_per_cm))
    mask = mask.resize(patch.size, Image.Resampling.BILINEAR)
    patch.paste((40, 32, 26), (0, 0, *patch.size), mask)


# A shape: (kind, box in cm as x0, y0, x1, y1, fill, corner radius in cm). Kinds: "box",
# "leg" (a tapered leg), "ellipse", "line" (the box is its two ends; radius is its width).
SOFA_SHAPES = [
    ("leg", (-93, 0, -88, 12), (47, 38, 34), 0),
    ("leg", (88, 0, 93, 12), (47, 38, 34), 0),
    ("box", (-83, 36, 83, 86), (78, 97, 108), 9),  # back
    ("box", (-80, 46, -1, 82), (89, 110, 122), 8),  # back cushions
    ("box", (1, 46, 80, 82), (89, 110, 122), 8),
    ("box", (-100, 10, 100, 44), (80, 100, 112), 5),  # base
    ("box", (-81, 38, -0.5, 51), (96, 118, 130), 5),  # seat cushions
    ("box", (0.5, 38, 81, 51), (96, 118, 130), 5),
    ("box", (-77, 49, -47, 77), (196, 150, 66), 6),  # a mustard cushion
    ("box", (-101, 10, -80, 64), (84, 105, 117), 8),  # arms
    ("box", (80, 10, 101, 64), (84, 105, 117), 8),
    ("line", (136, 30, 128, 92), (92, 84, 58), 1.2),  # a plant in a pot, right of the sofa
    ("line", (136, 30, 142, 104), (92, 84, 58), 1.2),
    ("line", (136, 30, 150, 78), (92, 84, 58), 1.0),
    ("ellipse", (117, 80, 133, 100), (72, 104, 66), 0),
    ("ellipse", (134, 94, 150, 116), (84, 120, 74), 0),
    ("ellipse", (143, 68, 159, 86), (72, 104, 66), 0),
    ("ellipse", (124, 56, 138, 74), (84, 120, 74), 0),
    ("ellipse", (138, 50, 152, 66), (66, 96, 62), 0),
    ("box", (124, 0, 148, 32), (206, 196, 182), 3),
]
SIDEBOARD_SHAPES = [
    ("leg", (-69, 0, -65, 16), (58, 44, 34), 0),
    ("leg", (65, 0, 69, 16), (58, 44, 34), 0),
    ("box", (-75, 14, 75, 73), (138, 99, 67), 1),  # body
    ("box", (-76, 72, 76, 76), (155, 114, 80), 0.8),  # top
    ("box", (-72, 18, -26, 69), (126, 90, 60), 0.6),  # doors
    ("box", (-24, 18, 24, 69), (126, 90, 60), 0.6),
    ("box", (26, 18, 72, 69), (126, 90, 60), 0.6),
    ("ellipse", (-30.2, 42.8, -27.8, 45.2), (200, 164, 92), 0),  # knobs
    ("box", (-6, 63, 6, 64.6), (200, 164, 92), 0.5),
    ("ellipse", (27.8, 42.8, 30.2, 45.2), (200, 164, 92), 0),
    ("box", (-70, 76, -44, 80), (184, 82, 59), 0.3),  # books
    ("box", (-68, 80, -47, 83.5), (63, 90, 99), 0.3),
    ("box", (-66, 83.5, -49, 86), (217, 201, 168), 0.3),
    ("line", (52, 101, 45, 124), (85, 99, 63), 0.6),  # stems, then a vase
    ("line", (52, 101, 57, 129), (85, 99, 63), 0.6),
    ("line", (52, 101, 62, 119), (85, 99, 63), 0.6),
    ("ellipse", (42.5, 122, 47.5, 126.5), (98, 116, 72), 0),
    ("ellipse", (54.5, 127, 59.5, 131.5), (98, 116, 72), 0),
    ("ellipse", (59.5, 117, 64.5, 121.5), (98, 116, 72), 0),
    ("box", (49.5, 96, 54.5, 104), (226, 219, 205), 1),
    ("ellipse", (44, 76, 60, 100), (236, 230, 218), 0),
]


def _draw_shapes(draw: ImageDraw.ImageDraw, shapes: list, layout: _Layout, fill=None) -> None:
    for kind, (x0, y0, x1, y1), colour, radius in shapes:
        colour = fill if fill is not None else colour
        if kind == "leg":
            left, top, right, bottom = layout.box(x0, y0, x1, y1)
            narrow = (right - left) * 0.25
            draw.polygon(
                [(left, top), (right, top), (right - narrow, bottom), (left + narrow, bottom)],
                fill=colour,
            )
        elif kind == "ellipse":
            draw.ellipse(layout.box(x0, y0, x1, y1), fill=colour)
        elif kind == "line":
            width = max(1, round(radius * layout.px_per_cm))
            draw.line(
                [(layout.x(x0), layout.y(y0)), (layout.x(x1), layout.y(y1))],
                fill=colour,
                width=width,
            )
        else:
            outline = None if fill is not None else tuple(max(0, c - 18) for c in colour)
            draw.rounded_rectangle(
                layout.box(x0, y0, x1, y1),
                radius=radius * layout.px_per_cm,
                fill=colour,
                outline=outline,
                width=max(1, round(0.25 * layout.px_per_cm)),
            )
