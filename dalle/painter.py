"""The offline painter: a deterministic picture that follows the prompt, drawn with Pillow.

`paint(prompt, width, height, style)` finds what the prompt is about (`detect_family`: a cat,
a city at night, the sea, ... in English or Korean words), draws that family's composition
from simple vector shapes with light and depth, then renders it in a style (`STYLES`).
Colour words steer the colours ("a red car", "파란 고양이"). Every random choice comes from a
seed taken from the SHA-256 of prompt, style and size, so the same request gives the same bytes.

Imports only the standard library and Pillow: no Django, no app.
"""

import hashlib
import math
import random
import re
from collections.abc import Callable

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageOps

RGB = tuple[int, int, int]

# Style keys with the labels a person reads; "" and "none" paint without a style.
STYLES = {
    "none": "No style",
    "watercolor": "Watercolour",
    "oil": "Oil painting",
    "woodblock": "Woodblock print",
    "anime": "Anime",
    "photo": "Photograph",
    "pixel": "Pixel art",
    "line": "Line drawing",
    "3d": "3D render",
}

# Words in a prompt that ask for a style when no style is given.
STYLE_WORDS = {
    "watercolor": ("watercolor", "watercolour", "aquarelle", "수채화", "수채"),
    "oil": ("oil", "impasto", "유화"),
    "woodblock": ("woodblock", "woodcut", "ukiyo", "linocut", "판화", "목판"),
    "anime": ("anime", "manga", "cartoon", "ghibli", "애니", "만화", "애니메이션"),
    "photo": ("photo", "photograph", "photography", "photorealistic", "realistic", "사진", "실사"),
    "pixel": ("pixel", "8bit", "16bit", "픽셀", "도트"),
    "line": ("sketch", "drawing", "lineart", "pencil", "ink", "스케치", "선화", "드로잉", "연필"),
    "3d": ("3d", "render", "rendering", "blender", "clay", "렌더", "렌더링", "3d렌더"),
}

# family: (English words, matched as whole words or their plural; Korean words matched inside
# a word; Korean words that must be the whole word once particles are stripped, because they
# are also syllables of other words: 새 in 새벽, 배 in 배경, 개 in 안개, 별 in 특별, 성 in 감성).
FAMILY_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "cat": (
        ("cat", "kitten", "kitty", "tiger", "tabby", "kitties"),
        ("고양이", "냥이", "호랑이", "아기고양이"),
        (),
    ),
    "dog": (
        ("dog", "puppy", "puppies", "doggy", "fox", "wolf", "wolves", "corgi", "shiba", "hound"),
        ("강아지", "여우", "늑대", "댕댕이", "멍멍이", "진돗개", "리트리버"),
        ("개",),
    ),
    "bird": (
        ("bird", "parrot", "owl", "eagle", "sparrow", "robin", "crow", "dove", "pigeon", "seagull"),
        ("앵무새", "부엉이", "올빼미", "독수리", "참새", "까치", "비둘기", "갈매기", "새들"),
        ("새",),
    ),
    "fish": (
        ("fish", "fishes", "goldfish", "koi", "shark", "aquarium", "coral", "reef", "underwater"),
        ("물고기", "금붕어", "잉어", "상어", "수족관", "산호", "바닷속", "수중", "열대어"),
        (),
    ),
    "person": (
        ("person", "people", "man", "men", "woman", "women", "girl", "boy", "child", "portrait")
        + ("face", "lady", "princess", "queen", "king", "selfie", "warrior", "knight"),
        ("사람", "초상화", "소녀", "소년", "여자", "남자", "얼굴", "여성", "남성", "공주", "인물")
        + ("아가씨", "할머니", "할아버지", "어린이", "왕자"),
        ("아이",),
    ),
    "city": (
        ("city", "cities", "street", "downtown", "skyline", "neon", "skyscraper", "cyberpunk")
        + ("tokyo", "seoul", "metropolis", "nightlife"),
        ("도시", "거리", "서울", "네온", "야경", "골목", "시내", "번화가", "도쿄", "사이버펑크"),
        (),
    ),
    "sea": (
        ("sea", "ocean", "harbour", "harbor", "boat", "ship", "sailboat", "beach", "port")
        + ("lighthouse", "wave", "coast", "seaside", "yacht", "sailing", "fishing"),
        (
            "바다",
            "항구",
            "해변",
            "등대",
            "파도",
            "해안",
            "요트",
            "돛단배",
            "선박",
            "포구",
            "바닷가",
        ),
        ("배",),
    ),
    "mountain": (
        ("mountain", "peak", "alps", "cliff", "volcano", "summit", "everest", "valley", "hill"),
        ("산맥", "설산", "봉우리", "화산", "계곡", "산속", "산꼭대기", "한라산", "설악산", "지리산")
        + ("백두산", "후지산", "언덕"),
        ("산",),
    ),
    "forest": (
        ("forest", "woods", "woodland", "jungle", "trees", "pine", "bamboo", "grove", "tree"),
        ("숲", "나무", "밀림", "정글", "대나무", "소나무"),
        (),
    ),
    "flowers": (
        ("flower", "garden", "rose", "tulip", "daisy", "sunflower", "blossom", "bloom", "lily")
        + ("bouquet", "petal", "meadow", "lotus"),
        ("꽃", "정원", "장미", "튤립", "해바라기", "연꽃", "국화", "화원", "백합", "화단"),
        (),
    ),
    "space": (
        ("space", "star", "starry", "planet", "galaxy", "nebula", "cosmos", "universe", "saturn")
        + ("jupiter", "mars", "astronaut", "cosmic"),
        ("우주", "행성", "은하", "성운", "토성", "목성", "별들", "별빛", "은하수"),
        ("별",),
    ),
    "food": (
        ("food", "cake", "ramen", "noodle", "soup", "sushi", "bread", "dessert", "cupcake", "meal")
        + ("dish", "breakfast", "dinner", "lunch", "pie", "bibimbap", "udon", "birthday"),
        ("음식", "케이크", "라면", "국수", "요리", "디저트", "비빔밥", "김치", "떡볶이", "우동")
        + ("짜장면", "냉면", "식탁", "생일", "빵"),
        (),
    ),
    "building": (
        ("building", "temple", "castle", "palace", "pagoda", "church", "cathedral", "house")
        + ("tower", "shrine", "hanok", "monastery", "fortress", "architecture", "cottage"),
        ("사원", "건물", "궁전", "궁궐", "성당", "교회", "한옥", "사찰", "경복궁", "고궁", "성곽")
        + ("신전", "불국사", "탑"),
        ("절", "성", "집"),
    ),
    "vehicle": (
        ("car", "vehicle", "train", "bicycle", "bike", "truck", "bus", "taxi", "motorcycle")
        + ("railway", "locomotive", "tram", "automobile", "jeep", "cycling"),
        ("자동차", "기차", "자전거", "버스", "트럭", "택시", "오토바이", "열차", "전철", "지하철")
        + ("스포츠카", "철도", "기관차"),
        ("차",),
    ),
    "abstract": (
        ("abstract", "pattern", "geometric", "shapes", "fractal", "kaleidoscope", "mandala"),
        ("추상", "패턴", "기하학", "무늬", "도형", "만다라"),
        (),
    ),
}
# A subject (a cat) wins over a setting (a garden), which wins over "abstract".
SUBJECTS = ("cat", "dog", "bird", "fish", "person", "food", "building", "vehicle")
SETTINGS = ("city", "sea", "mountain", "forest", "flowers", "space")
FAMILIES = (*SUBJECTS, *SETTINGS, "abstract")

# Korean particles and endings stripped from a word before an exact match (longest first).
PARTICLES = sorted(
    (
        *("이", "가", "은", "는", "을", "를", "의", "에", "에서", "로", "으로", "와", "과", "도"),
        *("만", "들", "랑", "이랑", "처럼", "같은", "위의", "위에", "속의", "속에", "에게", "한"),
        *("한테", "하고", "이다", "입니다", "앞의", "앞에", "옆의", "아래", "위", "속"),
    ),
    key=len,
    reverse=True,
)

# Colours that steer the picture (unchanged from the first painter).
NAMED_HUES = {
    "red": 0,
    "rose": 345,
    "pink": 330,
    "orange": 25,
    "sunset": 18,
    "fire": 10,
    "gold": 45,
    "yellow": 55,
    "sun": 48,
    "lemon": 58,
    "green": 120,
    "forest": 130,
    "leaf": 100,
    "jungle": 140,
    "teal": 175,
    "sea": 195,
    "ocean": 200,
    "water": 195,
    "sky": 205,
    "blue": 220,
    "night": 235,
    "indigo": 255,
    "purple": 275,
    "violet": 285,
    "lavender": 270,
    "magenta": 310,
    "snow": 210,
    "ice": 195,
    "desert": 35,
    "sand": 40,
    "autumn": 28,
    "빨강": 0,
    "분홍": 330,
    "주황": 25,
    "노을": 18,
    "노랑": 55,
    "초록": 120,
    "숲": 130,
    "바다": 200,
    "하늘": 205,
    "파랑": 220,
    "밤": 235,
    "보라": 275,
    "눈": 210,
}
# Colour words proper (not scene words), which colour the subject itself: "a red car".
SUBJECT_HUES = {
    "red": 0,
    "crimson": 350,
    "pink": 330,
    "orange": 25,
    "gold": 45,
    "golden": 45,
    "yellow": 55,
    "green": 120,
    "teal": 175,
    "turquoise": 178,
    "cyan": 185,
    "blue": 220,
    "indigo": 255,
    "purple": 275,
    "violet": 285,
    "lavender": 270,
    "magenta": 310,
    "brown": 28,
    "빨강": 0,
    "빨간": 0,
    "붉은": 0,
    "분홍": 330,
    "핑크": 330,
    "주황": 25,
    "금색": 45,
    "황금": 45,
    "노랑": 55,
    "노란": 55,
    "초록": 120,
    "녹색": 120,
    "파랑": 220,
    "파란": 220,
    "푸른": 210,
    "보라": 275,
    "갈색": 28,
}
DARK_WORDS = ("black", "dark", "검은", "검정", "까만", "흑")
LIGHT_WORDS = ("white", "snowy", "흰", "하얀", "흰색", "백색")
NIGHT_WORDS = ("night", "dark", "moon", "midnight", "밤", "야경", "달빛", "한밤")
SUNSET_WORDS = ("sunset", "dusk", "evening", "dawn", "sunrise", "노을", "석양", "저녁", "새벽")
SNOW_WORDS = ("snow", "winter", "ice", "frozen", "눈", "겨울", "얼음", "설경")


def _words(prompt: str) -> list[str]:
    return re.findall(r"\w+", prompt.lower())


def _stems(word: str) -> set[str]:
    """The word and what is left after stripping up to two Korean particles from its end."""
    stems, todo = {word}, [word]
    for _ in range(2):
        found = []
        for stem in todo:
            for particle in PARTICLES:
                if stem.endswith(particle) and len(stem) > len(particle):
                    found.append(stem[: -len(particle)])
        stems.update(found)
        todo = found
    return stems


def _english_match(word: str, names: tuple[str, ...]) -> bool:
    return any(word in (name, name + "s", name + "es") for name in names) or (
        word.endswith("ies") and word[:-3] + "y" in names
    )


def _family_hits(prompt: str) -> dict[str, int]:
    """For each family found in the prompt, the position of its first word."""
    hits: dict[str, int] = {}
    for position, word in enumerate(_words(prompt)):
        stems = _stems(word)
        for family, (english, inside, whole) in FAMILY_WORDS.items():
            if family in hits:
                continue
            if (
                _english_match(word, english)
                or any(name in word for name in inside)
                or any(name in stems for name in whole)
            ):
                hits[family] = position
    return hits


def detect_family(prompt: str) -> str:
    """The subject family a prompt is about ("cat", "city", ...), or "" when none is named.

    A subject (an animal, a person, food, a building, a vehicle) wins over a setting (the sea,
    a forest, ...), which wins over "abstract"; among equals the first named wins.
    """
    hits = _family_hits(prompt)
    for group in (SUBJECTS, SETTINGS, ("abstract",)):
        found = [family for family in group if family in hits]
        if found:
            return min(found, key=hits.__getitem__)
    return ""


def detect_setting(prompt: str) -> str:
    """The setting named beside a subject ("a cat in the forest" -> "forest"), or ""."""
    hits = _family_hits(prompt)
    found = [family for family in SETTINGS if family in hits]
    return min(found, key=hits.__getitem__) if found else ""


def detect_style(prompt: str, style: str = "") -> str:
    """The style key to paint with: the given one (a key or a label), else one the prompt asks for."""
    wanted = style.strip().lower()
    if wanted:
        for key, label in STYLES.items():
            if wanted in (key, label.lower()) or label.lower().startswith(wanted):
                return key
        for key, words in STYLE_WORDS.items():
            if any(word in wanted for word in words):
                return key
        return "none"
    words = _words(prompt)
    for key, names in STYLE_WORDS.items():
        if any(
            word == name or (len(name) > 1 and word.startswith(name))
            for word in words
            for name in names
        ):
            if (
                key == "line"
                and "line" not in words
                and not any(w in words for w in ("sketch", "drawing", "lineart", "pencil", "ink"))
            ):
                continue
            return key
    return "none"


# ---------------------------------------------------------------------------------------------
# Colour helpers


def _hsl(hue: float, saturation: float, lightness: float) -> RGB:
    c = (1 - abs(2 * lightness - 1)) * saturation
    x = c * (1 - abs((hue / 60) % 2 - 1))
    m = lightness - c / 2
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][int(hue // 60) % 6]
    return (round((r + m) * 255), round((g + m) * 255), round((b + m) * 255))


def _shade(color: RGB, factor: float) -> RGB:
    return tuple(max(0, min(255, round(channel * factor))) for channel in color)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _palette(prompt: str, rng: random.Random) -> list[RGB]:
    """Three to five colours from the prompt's colour words, or from its words' hashes."""
    words = _words(prompt)
    # Substrings, so that "sunset" and Korean words with particles ("바다의") still match.
    hues = [hue for word in words for name, hue in NAMED_HUES.items() if name in word]
    for word in words:
        if len(hues) >= 3:
            break
        hues.append(int(hashlib.sha256(word.encode()).hexdigest()[:4], 16) % 360)
    while len(hues) < 3:
        hues.append((hues[-1] + 137) % 360 if hues else rng.randrange(360))
    night = any(dark in word for word in words for dark in ("night", "dark", "moon", "밤"))
    lightness = (0.22, 0.35, 0.5) if night else (0.55, 0.68, 0.8)
    return [
        _hsl(hue, 0.55 + 0.3 * rng.random(), lightness[i % 3]) for i, hue in enumerate(hues[:5])
    ]


# ---------------------------------------------------------------------------------------------
# The canvas and its drawing helpers


class Canvas:
    """One picture being painted: the image, its size, the seed and what the prompt asks for."""

    def __init__(self, prompt: str, width: int, height: int, rng: random.Random) -> None:
        self.w, self.h, self.u = width, height, min(width, height)
        self.img = Image.new("RGB", (width, height))
        self.draw = ImageDraw.Draw(self.img)
        self.rng = rng
        self.prompt = prompt
        words = _words(prompt)
        self.words = words
        self.hues = [
            hue for word in words for name, hue in SUBJECT_HUES.items() if word.startswith(name)
        ]
        self.palette = _palette(prompt, rng)
        self.dark = any(word.startswith(name) for word in words for name in DARK_WORDS)
        self.light = any(word.startswith(name) for word in words for name in LIGHT_WORDS)
        self.night = any(name in word for word in words for name in NIGHT_WORDS)
        self.sunset = any(name in word for word in words for name in SUNSET_WORDS)
        self.snow = any(word.startswith(name) for word in words for name in SNOW_WORDS)
        self.backdrop = False  # True once a setting painted the background for a subject
        self.ground = 0.8  # where a subject stands, as a fraction of the height

    def has(self, *names: str) -> bool:
        return any(name in word for word in self.words for name in names)

    def subject_color(self, default: RGB, index: int = 0) -> RGB:
        """The subject's colour: a colour word of the prompt when it has one, else the default."""
        if self.dark and index == 0:
            return (40, 38, 44)
        if self.light and index == 0:
            return (236, 234, 228)
        if index < len(self.hues):
            _, lightness = _lightness(default)
            return _hsl(self.hues[index], 0.62, min(0.62, max(0.4, lightness)))
        return default

    def jitter(self, color: RGB, amount: float = 0.08) -> RGB:
        return _shade(color, 1 + self.rng.uniform(-amount, amount))

    # geometry
    def x(self, fraction: float) -> float:
        return fraction * self.w

    def y(self, fraction: float) -> float:
        return fraction * self.h

    def gradient(self, top: RGB, bottom: RGB, box: tuple[int, int, int, int] | None = None) -> None:
        """A vertical gradient, drawn on one column and stretched (fast at any size)."""
        left, upper, right, lower = box or (0, 0, self.w, self.h)
        column = Image.new("RGB", (1, 64))
        column.putdata([_mix(top, bottom, i / 63) for i in range(64)])
        width, height = max(1, int(right - left)), max(1, int(lower - upper))
        column = column.resize((1, height), Image.Resampling.BILINEAR)
        self.img.paste(
            column.resize((width, height), Image.Resampling.NEAREST), (int(left), int(upper))
        )

    def soft_ellipse(
        self,
        x: float,
        y: float,
        rx: float,
        ry: float,
        blur: float,
        color: RGB,
        strength: int,
        scale: int,
    ) -> None:
        """An ellipse of colour with a blurred edge, drawn small on its own box and scaled up."""
        pad = blur * 2.5
        left, top = max(0, int(x - rx - pad)), max(0, int(y - ry - pad))
        right, bottom = min(self.w, int(x + rx + pad) + 1), min(self.h, int(y + ry + pad) + 1)
        if right <= left or bottom <= top:
            return
        box_w, box_h = right - left, bottom - top
        mask = Image.new("L", (max(1, box_w // scale), max(1, box_h // scale)), 0)
        ImageDraw.Draw(mask).ellipse(
            [
                (x - rx - left) / scale,
                (y - ry - top) / scale,
                (x + rx - left) / scale,
                (y + ry - top) / scale,
            ],
            fill=strength,
        )
        mask = mask.filter(ImageFilter.GaussianBlur(max(0.5, blur / scale)))
        self.img.paste(
            color,
            (left, top, right, bottom),
            mask.resize((box_w, box_h), Image.Resampling.BILINEAR),
        )

    def glow(self, x: float, y: float, radius: float, color: RGB, strength: int = 180) -> None:
        """A soft light around a point."""
        self.soft_ellipse(x, y, radius, radius, radius * 0.6, color, strength, 8)

    def shadow(self, x: float, y: float, rx: float, ry: float, strength: int = 120) -> None:
        """A soft dark ellipse on the ground under something."""
        self.soft_ellipse(x, y, rx, ry, ry * 0.7, (10, 10, 20), strength, 4)

    def mask(self) -> tuple[Image.Image, ImageDraw.ImageDraw]:
        mask = Image.new("L", (self.w, self.h), 0)
        return mask, ImageDraw.Draw(mask)

    def volume(self, mask: Image.Image, depth: float = 0.05, strength: float = 0.6) -> None:
        """Round shading on what the mask covers: light from the upper left, shade lower right."""
        bbox = mask.getbbox()
        if not bbox:
            return
        scale, pad = 4, int(self.u * depth * 3) + 8
        left, top = max(0, bbox[0] - pad), max(0, bbox[1] - pad)
        right, bottom = min(self.w, bbox[2] + pad), min(self.h, bbox[3] + pad)
        region, part = (left, top, right, bottom), mask.crop((left, top, right, bottom))
        size = part.size
        small = part.resize(
            (max(1, size[0] // scale), max(1, size[1] // scale)), Image.Resampling.BILINEAR
        )
        shift = max(1, round(self.u / scale * depth * 0.8))
        # Where the shape runs off the canvas it goes on beyond it: pad by repeating the edges.
        edge = shift * 4
        padded = _pad_edges(small, edge)
        blur = padded.filter(ImageFilter.GaussianBlur(max(1, self.u / scale * depth)))
        sw, sh = small.size
        toward_light = blur.crop((edge + shift, edge + shift, edge + shift + sw, edge + shift + sh))
        away = blur.crop((edge - shift, edge - shift, edge - shift + sw, edge - shift + sh))
        dark = ImageChops.subtract(small, toward_light)
        lit = ImageChops.subtract(small, away)
        dark = ImageChops.multiply(dark.resize(size, Image.Resampling.BILINEAR), part)
        lit = ImageChops.multiply(lit.resize(size, Image.Resampling.BILINEAR), part)
        dark = dark.point(lambda v: round(v * strength))
        lit = lit.point(lambda v: round(v * strength * 0.7))
        piece = self.img.crop(region)
        piece = ImageChops.multiply(piece, ImageOps.invert(dark).convert("RGB"))
        piece = ImageChops.screen(piece, Image.merge("RGB", (lit, lit, lit)))
        self.img.paste(piece, region)

    def fill(self, mask: Image.Image, color: RGB) -> None:
        self.img.paste(color, mask=mask)

    def soft_fill(self, mask: Image.Image, color: RGB, blur: float) -> None:
        """Fill through a mask blurred by `blur` pixels (blurred at a quarter of the size)."""
        small = mask.resize((self.w // 4 + 1, self.h // 4 + 1), Image.Resampling.BOX)
        small = small.filter(ImageFilter.GaussianBlur(max(0.5, blur / 4)))
        self.fill(small.resize((self.w, self.h), Image.Resampling.BILINEAR), color)

    def clouds(self, count: int, top: float, bottom: float, color: RGB, alpha: int = 200) -> None:
        """Soft clouds of overlapping ellipses, drawn and blurred at a quarter of the size."""
        rng, scale = self.rng, 4
        mask = Image.new("L", (self.w // scale + 1, self.h // scale + 1), 0)
        draw = ImageDraw.Draw(mask)
        for _ in range(count):
            cx, cy = (
                self.x(rng.uniform(0.05, 0.95)) / scale,
                self.y(rng.uniform(top, bottom)) / scale,
            )
            size = self.u * rng.uniform(0.05, 0.1) / scale
            for _ in range(5):
                dx, dy = rng.uniform(-2, 2) * size, rng.uniform(-0.4, 0.3) * size
                r = size * rng.uniform(0.6, 1.1)
                draw.ellipse(
                    [cx + dx - r * 1.3, cy + dy - r * 0.8, cx + dx + r * 1.3, cy + dy + r * 0.8],
                    fill=alpha,
                )
        mask = mask.filter(ImageFilter.GaussianBlur(self.u * 0.004 / scale + 0.5))
        self.fill(mask.resize((self.w, self.h), Image.Resampling.BILINEAR), color)

    def sky(
        self, day_top: RGB = (70, 130, 215), day_bottom: RGB = (200, 225, 245)
    ) -> tuple[RGB, RGB]:
        """The sky for the prompt's time of day; returns the colours at the top and the horizon."""
        if self.night:
            top, bottom = (8, 12, 40), (40, 50, 100)
        elif self.sunset:
            top, bottom = (60, 60, 140), (250, 150, 90)
        elif self.snow:
            top, bottom = (150, 175, 210), (225, 232, 240)
        else:
            top, bottom = day_top, day_bottom
        return top, bottom

    def open_sky(self, *, sun_x: float, clouds: int, cloud_top: float) -> tuple[RGB, float]:
        """A light-blue open sky with stars at night, the sun or moon at `sun_x` and clouds by
        day; returns the horizon colour and how much the ground is dimmed (night)."""
        top, bottom = self.sky((100, 160, 225), (220, 235, 245))
        self.gradient(top, bottom)
        if self.night:
            self.stars(100, 0.4)
        self.celestial(self.x(sun_x), self.y(0.15), self.u * 0.05)
        if not self.night:
            self.clouds(clouds, cloud_top, 0.3, (255, 255, 255), 160)
        return bottom, 0.5 if self.night else 1.0

    def stars(self, count: int, bottom: float = 0.6) -> None:
        rng = self.rng
        for _ in range(count):
            x, y = self.x(rng.random()), self.y(rng.random() * bottom)
            r = self.u * rng.uniform(0.0008, 0.0028)
            v = rng.randint(170, 255)
            self.draw.ellipse([x - r, y - r, x + r, y + r], fill=(v, v, min(255, v + 20)))

    def celestial(self, x: float, y: float, radius: float) -> None:
        """The sun, a low sun at sunset or the moon at night, with its glow."""
        if self.night:
            color, halo = (245, 240, 215), (120, 130, 170)
        elif self.sunset:
            color, halo = (255, 200, 120), (250, 150, 90)
        else:
            color, halo = (255, 245, 200), (255, 240, 190)
        self.glow(x, y, radius * 3, halo, 140)
        self.draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=color)


def _pad_edges(image: Image.Image, pad: int) -> Image.Image:
    """The image with `pad` pixels added on every side, repeating its outermost rows and columns."""
    w, h = image.size
    out = Image.new(image.mode, (w + 2 * pad, h + 2 * pad))
    out.paste(image, (pad, pad))
    out.paste(image.crop((0, 0, w, 1)).resize((w, pad)), (pad, 0))
    out.paste(image.crop((0, h - 1, w, h)).resize((w, pad)), (pad, h + pad))
    out.paste(out.crop((pad, 0, pad + 1, h + 2 * pad)).resize((pad, h + 2 * pad)), (0, 0))
    out.paste(
        out.crop((pad + w - 1, 0, pad + w, h + 2 * pad)).resize((pad, h + 2 * pad)), (w + pad, 0)
    )
    return out


def _lightness(color: RGB) -> tuple[float, float]:
    high, low = max(color) / 255, min(color) / 255
    return high - low, (high + low) / 2


def _bezier(points: list[tuple[float, float]], steps: int = 24) -> list[tuple[float, float]]:
    """Points along a Bézier curve through the control points."""
    out = []
    for i in range(steps + 1):
        t, pts = i / steps, list(points)
        while len(pts) > 1:
            pts = [
                (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                for a, b in zip(pts, pts[1:], strict=False)
            ]
        out.append(pts[0])
    return out


def _thick_curve(
    draw: ImageDraw.ImageDraw, points, width_from: float, width_to: float, fill
) -> None:
    """A curve that tapers from one width to another, as overlapping discs."""
    for i, (px, py) in enumerate(points):
        r = (width_from + (width_to - width_from) * i / max(1, len(points) - 1)) / 2
        draw.ellipse([px - r, py - r, px + r, py + r], fill=fill)


# ---------------------------------------------------------------------------------------------
# Settings: full scenes that also serve as the background of a subject


def _hills(c: Canvas, base: float, color: RGB, amplitude: float, frequency: float) -> None:
    rng = c.rng
    phase = rng.uniform(0, math.tau)
    points = [(0, c.h)]
    for step in range(41):
        fx = step / 40
        wave = math.sin(phase + frequency * fx * math.tau) + 0.4 * math.sin(
            phase * 2 + 2.3 * frequency * fx * math.tau
        )
        points.append((c.x(fx), c.y(base) + wave * amplitude * c.h))
    points.append((c.w, c.h))
    c.draw.polygon(points, fill=color)


def _tree(
    c: Canvas, x: float, base: float, height: float, color: RGB, trunk: RGB | None = None
) -> None:
    """A pine: a trunk and three stacked triangles, darker on the right."""
    draw = c.draw
    width = height * 0.42
    if trunk:
        draw.rectangle([x - width * 0.07, base - height * 0.2, x + width * 0.07, base], fill=trunk)
    for tier in range(3):
        bottom = base - height * (0.12 + tier * 0.24)
        top = bottom - height * 0.5
        half = width * (0.5 - tier * 0.1)
        draw.polygon([(x - half, bottom), (x, top), (x + half, bottom)], fill=color)
        draw.polygon(
            [(x, top), (x + half, bottom), (x + half * 0.15, bottom)], fill=_shade(color, 0.78)
        )


def _round_tree(c: Canvas, x: float, base: float, height: float, color: RGB) -> None:
    draw = c.draw
    draw.rectangle(
        [x - height * 0.04, base - height * 0.45, x + height * 0.04, base], fill=(90, 62, 40)
    )
    r = height * 0.3
    for dx, dy, k in ((0, -0.62, 1.0), (-0.18, -0.5, 0.85), (0.18, -0.5, 0.8), (0, -0.78, 0.75)):
        cx, cy, rr = x + dx * height, base + dy * height, r * k
        draw.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=_shade(color, 0.85 + 0.2 * k))


def scene_landscape(c: Canvas) -> None:
    """Rolling green hills under the sky, a path, a few round trees: the fallback."""
    top, bottom = c.sky()
    c.gradient(top, bottom)
    if c.night:
        c.stars(120, 0.5)
    c.celestial(c.x(c.rng.uniform(0.2, 0.8)), c.y(c.rng.uniform(0.14, 0.3)), c.u * 0.06)
    if not c.night:
        c.clouds(4, 0.08, 0.35, (255, 255, 255), 170)
    grass = (235, 240, 248) if c.snow else _hsl(c.hues[0] if c.hues else 105, 0.45, 0.45)
    dim = 0.45 if c.night else 1.0
    for i, base in enumerate((0.55, 0.63, 0.72, 0.82)):
        color = _mix(_shade(grass, (0.75 + 0.1 * i) * dim), bottom, 0.5 - 0.12 * i)
        _hills(c, base, color, 0.03 + 0.01 * i, 0.6 + 0.5 * c.rng.random())
    for _ in range(4):
        x = c.x(c.rng.uniform(0.05, 0.95))
        _round_tree(c, x, c.y(0.82), c.u * c.rng.uniform(0.15, 0.25), _shade(grass, 0.7 * dim))
    c.ground = 0.85


def scene_mountain(c: Canvas) -> None:
    """Layered jagged peaks with snow caps, paler with distance, pines and a lake in front."""
    rng = c.rng
    top, bottom = c.sky((90, 140, 210), (215, 228, 240))
    c.gradient(top, bottom)
    if c.night:
        c.stars(150, 0.45)
    c.celestial(c.x(rng.uniform(0.6, 0.85)), c.y(rng.uniform(0.12, 0.25)), c.u * 0.05)
    rock = _hsl(c.hues[0], 0.3, 0.4) if c.hues else (88, 96, 120)
    dim = 0.5 if c.night else 1.0
    for layer in range(3):
        haze = 0.6 - layer * 0.22
        color = _mix(_shade(rock, (1.0 - layer * 0.2) * dim), bottom, haze)
        base = 0.62 + layer * 0.08
        points, x = [(0, c.h)], -0.1
        while x < 1.15:
            peak = rng.uniform(0.16, 0.3) - layer * 0.04
            width = rng.uniform(0.12, 0.22)
            points += [(c.x(x), c.y(base - peak * 0.25)), (c.x(x + width / 2), c.y(base - peak))]
            x += width
        points.append((c.w, c.h))
        snow = []
        for i in range(1, len(points) - 2, 2):
            (x0, y0), (x1, y1) = points[i], points[i + 1]
            x2, y2 = points[i + 2] if i + 2 < len(points) - 1 else (x1 + (x1 - x0), y0)
            k = 0.32
            snow.append(
                [
                    (x1 + (x0 - x1) * k, y1 + (y0 - y1) * k),
                    (x1, y1),
                    (x1 + (x2 - x1) * k, y1 + (y2 - y1) * k),
                ]
            )
        c.draw.polygon(points, fill=color)
        # The sunlit left faces are lighter.
        for i in range(1, len(points) - 2, 2):
            (x0, y0), (x1, y1) = points[i], points[i + 1]
            c.draw.polygon([(x0, y0), (x1, y1), (x1, c.y(base + 0.1))], fill=_shade(color, 1.12))
        if layer < 2 or c.snow:
            white = _mix((250, 252, 255), bottom, 0.2 + 0.2 * layer)
            for cap in snow:
                c.draw.polygon(_shade_cap(cap), fill=_shade(white, dim * 0.9 + 0.1))
    # A lake reflecting the sky, then dark pines on the shore.
    c.gradient(_shade(bottom, 0.85), _shade(top, 0.9), (0, int(c.y(0.84)), c.w, c.h))
    for i in range(6):
        y = c.y(0.86 + i * 0.025)
        c.draw.line(
            [(c.x(rng.uniform(0, 0.5)), y), (c.x(rng.uniform(0.5, 1)), y)],
            fill=_shade(bottom, 1.05),
            width=max(1, c.u // 300),
        )
    pine = _shade((30, 70, 50), dim)
    for _ in range(14):
        x = c.x(rng.uniform(-0.02, 1.02))
        _tree(c, x, c.y(0.85), c.u * rng.uniform(0.1, 0.2), pine)
    c.ground = 0.9


def _shade_cap(cap: list[tuple[float, float]]) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2) = cap
    # A ragged lower edge: the cap ends in two teeth.
    return [
        (x0, y0),
        (x1, y1),
        (x2, y2),
        ((x1 + x2) / 2, (y0 + y1) / 2 + (y0 - y1) * 0.25),
        (x1, (y0 + y1) / 2 + (y0 - y1) * 0.1),
        ((x0 + x1) / 2, (y0 + y1) / 2 + (y0 - y1) * 0.3),
    ]


def scene_forest(c: Canvas) -> None:
    """Rows of pines from pale and small far away to dark and tall in front, with light shafts."""
    rng = c.rng
    top, bottom = c.sky((120, 170, 190), (220, 235, 220))
    c.gradient(top, bottom)
    if c.night:
        c.stars(80, 0.3)
    green = _hsl(c.hues[0], 0.45, 0.35) if c.hues else (40, 100, 60)
    if c.snow:
        green = (60, 90, 90)
    dim = 0.45 if c.night else 1.0
    rows = 5
    for row in range(rows):
        depth = row / (rows - 1)
        color = _mix(_shade(green, (1.1 - 0.55 * depth) * dim), bottom, 0.7 * (1 - depth))
        base = c.y(0.55 + 0.1 * row)
        count = int((16 - row * 2) * c.w / c.u)
        for i in range(count):
            x = c.w * (i + rng.uniform(-0.3, 0.3)) / max(1, count - 1)
            height = c.u * (0.22 + 0.15 * row) * rng.uniform(0.8, 1.2)
            _tree(
                c,
                x,
                base,
                height,
                color,
                _shade((70, 50, 35), 0.6 + 0.4 * depth) if row > 1 else None,
            )
        c.draw.rectangle(
            [0, base, c.w, c.h],
            fill=_mix(_shade((60, 80, 40), dim * (0.6 + 0.4 * depth)), bottom, 0.5 * (1 - depth)),
        )
    # Light shafts falling through the canopy.
    if not c.night:
        mask, draw = c.mask()
        for _ in range(4):
            x = c.x(rng.uniform(0.1, 0.9))
            spread = c.u * rng.uniform(0.03, 0.07)
            draw.polygon(
                [(x - spread, 0), (x + spread, 0), (x + spread * 5, c.h), (x + spread * 2.5, c.h)],
                fill=50,
            )
        c.soft_fill(mask, (255, 250, 210), c.u * 0.02)
    # A path into the trees.
    path = _shade((150, 125, 90), dim) if not c.snow else (230, 235, 245)
    c.draw.polygon(
        [(c.x(0.46), c.y(0.95)), (c.x(0.54), c.y(0.95)), (c.x(0.8), c.h), (c.x(0.2), c.h)],
        fill=path,
    )
    c.ground = 0.95


def scene_flowers(c: Canvas) -> None:
    """A garden: sky, a hedge, a meadow full of flowers, big blooms with stems in front."""
    rng = c.rng
    top, bottom = c.sky((110, 170, 230), (225, 238, 250))
    c.gradient(top, bottom)
    c.celestial(c.x(0.8), c.y(0.14), c.u * 0.05)
    c.clouds(3, 0.08, 0.3, (255, 255, 255), 160)
    dim = 0.5 if c.night else 1.0
    hedge = _shade((60, 120, 70), dim)
    for _ in range(int(12 * c.w / c.u)):
        x, r = c.x(rng.random()), c.u * rng.uniform(0.06, 0.1)
        c.draw.ellipse(
            [x - r, c.y(0.5) - r, x + r, c.y(0.5) + r], fill=_shade(hedge, rng.uniform(0.85, 1.1))
        )
    c.gradient(
        _shade((110, 170, 80), dim), _shade((60, 120, 50), dim), (0, int(c.y(0.5)), c.w, c.h)
    )
    hues = c.hues or [rng.choice((350, 330, 50, 280, 15, 0)), rng.choice((55, 300, 200, 30))]
    # Far: dots; near: bigger and bigger flowers (depth from size and position).
    for _ in range(int(500 * c.w / c.u)):
        fy = rng.uniform(0.52, 0.7)
        x, r = c.x(rng.random()), c.u * 0.004 * (1 + (fy - 0.5) * 10)
        c.draw.ellipse(
            [x - r, c.y(fy) - r, x + r, c.y(fy) + r],
            fill=_shade(_hsl(rng.choice(hues), 0.75, 0.6), dim),
        )
    blooms = sorted(
        (rng.uniform(0.7, 1.0), rng.uniform(0.05, 0.95)) for _ in range(int(14 * c.w / c.u))
    )
    for fy, fx in blooms:
        size = c.u * (0.03 + (fy - 0.65) * 0.25)
        x, y = c.x(fx), c.y(fy) - size * 2
        c.draw.line(
            [(x, c.y(fy) + size), (x, y)],
            fill=_shade((50, 110, 40), dim),
            width=max(1, int(size * 0.15)),
        )
        c.draw.ellipse(
            [x, y + size * 1.2, x + size * 1.2, y + size * 1.7], fill=_shade((70, 140, 50), dim)
        )
        _flower(c, x, y, size, _shade(_hsl(rng.choice(hues), 0.75, 0.6), dim))
    c.ground = 0.85


def _flower(c: Canvas, x: float, y: float, size: float, color: RGB, petals: int = 6) -> None:
    draw = c.draw
    turn = c.rng.random()
    for i in range(petals):
        angle = math.tau * (i + turn) / petals
        px, py = x + math.cos(angle) * size * 0.55, y + math.sin(angle) * size * 0.55
        r = size * 0.42
        draw.ellipse(
            [px - r, py - r, px + r, py + r],
            fill=_shade(color, 0.85 + 0.25 * math.sin(angle + 2.4)),
        )
    r = size * 0.3
    draw.ellipse([x - r, y - r, x + r, y + r], fill=(250, 200, 60))
    draw.ellipse([x - r * 0.5, y - r * 0.6, x + r * 0.1, y - r * 0.1], fill=(255, 230, 130))


def scene_sea(c: Canvas) -> None:
    """The open sea: sky, the sun's path on the water, waves smaller toward the horizon,
    a sailboat, a pier with a lighthouse, gulls."""
    rng = c.rng
    top, bottom = c.sky((80, 140, 210), (210, 230, 245))
    c.gradient(top, bottom, (0, 0, c.w, int(c.y(0.56))))
    if c.night:
        c.stars(120, 0.45)
    else:
        c.clouds(4, 0.08, 0.35, (255, 255, 255), 170)
    sun_x = c.x(rng.uniform(0.3, 0.7))
    c.celestial(sun_x, c.y(0.36), c.u * 0.055)
    water = _hsl(c.hues[0], 0.55, 0.35) if c.hues else (30, 90, 150)
    if c.night:
        water = _shade(water, 0.45)
    horizon = c.y(0.55)
    c.gradient(_mix(water, bottom, 0.45), _shade(water, 0.6), (0, int(horizon), c.w, c.h))
    # The light's path and the waves: short arcs, larger and farther apart toward the viewer.
    path = _mix(bottom, (255, 240, 200), 0.5)
    y = horizon + c.h * 0.006
    while y < c.h:
        depth = (y - horizon) / (c.h - horizon)
        length = c.u * (0.01 + 0.06 * depth)
        for _ in range(int((10 + 30 * depth) * c.w / c.u)):
            x = c.x(rng.random())
            near_path = abs(x - sun_x) < c.u * (0.04 + 0.2 * depth)
            color = path if near_path else _mix(water, (230, 240, 250), 0.45 - 0.25 * depth)
            c.draw.arc(
                [x - length, y - length * 0.25, x + length, y + length * 0.25],
                200,
                340,
                fill=color,
                width=max(1, int(c.u * (0.001 + 0.004 * depth))),
            )
        y += c.h * (0.006 + 0.05 * depth)
    # A headland with a lighthouse on the left, and a wooden pier.
    land = _shade((70, 85, 70), 0.5 if c.night else 1.0)
    c.draw.polygon(
        [
            (0, horizon - c.u * 0.02),
            (c.x(0.12), horizon - c.u * 0.035),
            (c.x(0.22), horizon),
            (0, horizon + c.u * 0.01),
        ],
        fill=land,
    )
    lx = c.x(0.1)
    c.draw.polygon(
        [
            (lx - c.u * 0.012, horizon - c.u * 0.03),
            (lx + c.u * 0.012, horizon - c.u * 0.03),
            (lx + c.u * 0.007, horizon - c.u * 0.11),
            (lx - c.u * 0.007, horizon - c.u * 0.11),
        ],
        fill=(240, 240, 235),
    )
    c.draw.rectangle(
        [lx - c.u * 0.009, horizon - c.u * 0.075, lx + c.u * 0.009, horizon - c.u * 0.06],
        fill=(200, 50, 50),
    )
    c.draw.rectangle(
        [lx - c.u * 0.009, horizon - c.u * 0.13, lx + c.u * 0.009, horizon - c.u * 0.11],
        fill=(255, 230, 140),
    )
    if c.night or c.sunset:
        c.glow(lx, horizon - c.u * 0.12, c.u * 0.05, (255, 230, 150), 160)
    wood = (110, 80, 55) if not c.night else (50, 40, 35)
    py = c.y(0.78)
    c.draw.polygon(
        [
            (c.x(0.68), py),
            (c.w + 5, py - c.u * 0.02),
            (c.w + 5, py + c.u * 0.03),
            (c.x(0.68), py + c.u * 0.02),
        ],
        fill=wood,
    )
    for i in range(6):
        px = c.x(0.7) + i * (c.w * 0.32) / 5
        c.draw.rectangle(
            [px - c.u * 0.006, py, px + c.u * 0.006, py + c.u * 0.09], fill=_shade(wood, 0.7)
        )
    # A sailboat, with its reflection.
    bx, by, s = c.x(rng.uniform(0.35, 0.55)), c.y(0.7), c.u * 0.16
    hull = c.subject_color((150, 40, 40)) if c.hues else (120, 45, 40)
    sail = (250, 248, 240) if not c.night else (150, 150, 170)
    c.draw.polygon(
        [
            (bx - s * 0.6, by - s * 0.15),
            (bx + s * 0.6, by - s * 0.15),
            (bx + s * 0.42, by + s * 0.08),
            (bx - s * 0.45, by + s * 0.08),
        ],
        fill=hull,
    )
    c.draw.line(
        [(bx, by - s * 0.15), (bx, by - s * 1.3)], fill=(70, 50, 40), width=max(1, int(s * 0.03))
    )
    c.draw.polygon(
        [
            (bx + s * 0.03, by - s * 1.25),
            (bx + s * 0.03, by - s * 0.22),
            (bx + s * 0.55, by - s * 0.22),
        ],
        fill=sail,
    )
    c.draw.polygon(
        [
            (bx - s * 0.03, by - s * 1.1),
            (bx - s * 0.03, by - s * 0.22),
            (bx - s * 0.45, by - s * 0.22),
        ],
        fill=_shade(sail, 0.86),
    )
    c.draw.polygon(
        [
            (bx - s * 0.45, by + s * 0.1),
            (bx + s * 0.42, by + s * 0.1),
            (bx + s * 0.3, by + s * 0.3),
            (bx - s * 0.3, by + s * 0.3),
        ],
        fill=_mix(hull, water, 0.6),
    )
    for _ in range(5):  # gulls
        gx, gy, gs = (
            c.x(rng.uniform(0.2, 0.9)),
            c.y(rng.uniform(0.1, 0.3)),
            c.u * rng.uniform(0.01, 0.02),
        )
        c.draw.line(
            [(gx - gs, gy - gs * 0.4), (gx, gy), (gx + gs, gy - gs * 0.4)],
            fill=(50, 50, 60),
            width=max(1, int(gs * 0.2)),
        )
    c.ground = 0.85


def scene_city(c: Canvas) -> None:
    """A city street at night: a navy sky, a far skyline, tall buildings with lit windows,
    neon signs, street lamps and a wet road reflecting the lights."""
    rng = c.rng
    sky_top = (10, 12, 40) if not c.hues else _hsl(c.hues[0], 0.5, 0.1)
    c.gradient(sky_top, (70, 40, 100))
    c.stars(60, 0.35)
    c.night = True  # a city street is painted at night, and so is whatever stands in it
    c.celestial(c.x(rng.uniform(0.65, 0.85)), c.y(0.12), c.u * 0.035)
    street = c.y(0.8)
    # Far skyline, bluish and hazy.
    x = 0.0
    while x < c.w:
        bw, bh = c.u * rng.uniform(0.05, 0.1), c.u * rng.uniform(0.2, 0.45)
        c.draw.rectangle([x, street - bh - c.u * 0.05, x + bw, street], fill=(40, 40, 85))
        x += bw
    neon_hues = c.hues[1:] + [320, 185, 45, 280] if c.hues else [320, 185, 45, 280]
    # Near buildings with window grids.
    x = -c.u * 0.02
    while x < c.w:
        bw, bh = c.u * rng.uniform(0.12, 0.22), c.u * rng.uniform(0.3, 0.62)
        face = _shade((28, 28, 50), rng.uniform(0.8, 1.3))
        c.draw.rectangle([x, street - bh, x + bw, street], fill=face)
        c.draw.rectangle([x + bw * 0.85, street - bh, x + bw, street], fill=_shade(face, 0.7))
        cols, rows = max(2, int(bw / (c.u * 0.03))), max(3, int(bh / (c.u * 0.04)))
        for col in range(cols):
            for row in range(rows - 1):
                if rng.random() < 0.55:
                    wx = x + bw * 0.1 + col * (bw * 0.75 / cols)
                    wy = street - bh + c.u * 0.02 + row * (bh / rows)
                    warm = rng.choice(((255, 220, 130), (255, 240, 190), (180, 220, 255)))
                    c.draw.rectangle(
                        [wx, wy, wx + bw * 0.45 / cols, wy + bh * 0.5 / rows], fill=warm
                    )
        if rng.random() < 0.6:  # a neon sign
            hue = rng.choice(neon_hues)
            sx, sy = x + bw * 0.2, street - bh * rng.uniform(0.2, 0.5)
            c.glow(sx + bw * 0.25, sy, c.u * 0.05, _hsl(hue, 1, 0.55), 150)
            c.draw.rectangle(
                [sx, sy - c.u * 0.015, sx + bw * 0.5, sy + c.u * 0.015], fill=_hsl(hue, 1, 0.75)
            )
        x += bw + c.u * rng.uniform(0.0, 0.02)
    # The road: dark, wet, lamps and their reflections, a centre line in perspective.
    c.gradient((30, 30, 45), (12, 12, 20), (0, int(street), c.w, c.h))
    c.draw.rectangle([0, street, c.w, street + c.u * 0.02], fill=(60, 60, 75))
    for i in range(5):
        lx = c.x((i + 0.5) / 5)
        c.draw.line(
            [(lx, street), (lx, street - c.u * 0.2)], fill=(20, 20, 25), width=max(1, c.u // 200)
        )
        c.glow(lx, street - c.u * 0.2, c.u * 0.04, (255, 210, 140), 200)
        c.draw.ellipse(
            [lx - c.u * 0.008, street - c.u * 0.208, lx + c.u * 0.008, street - c.u * 0.192],
            fill=(255, 240, 200),
        )
        c.glow(lx, street + c.u * 0.1, c.u * 0.03, (150, 120, 90), 120)
    for t0, t1 in ((0.1, 0.18), (0.3, 0.45), (0.62, 0.85)):  # centre line in perspective
        y0, y1 = street + (c.h - street) * t0, street + (c.h - street) * t1
        c.draw.polygon(
            [
                (c.w / 2 - c.u * 0.02 * t0, y0),
                (c.w / 2 + c.u * 0.02 * t0, y0),
                (c.w / 2 + c.u * 0.02 * t1, y1),
                (c.w / 2 - c.u * 0.02 * t1, y1),
            ],
            fill=(200, 190, 120),
        )
    c.ground = 0.95


def scene_space(c: Canvas) -> None:
    """Deep space: nebula clouds, many stars with a few bright ones, a ringed planet, a moon."""
    rng = c.rng
    c.gradient((4, 4, 16), (16, 10, 36))
    nebula = c.hues or [rng.choice((280, 200, 330)), rng.choice((190, 20, 250))]
    for i in range(5):
        c.glow(
            c.x(rng.uniform(0.1, 0.9)),
            c.y(rng.uniform(0.1, 0.9)),
            c.u * rng.uniform(0.15, 0.3),
            _hsl(nebula[i % len(nebula)], 0.7, 0.4),
            90,
        )
    c.stars(int(700 * c.w * c.h / c.u / c.u), 1.0)
    for _ in range(6):
        x, y, r = c.x(rng.random()), c.y(rng.random()), c.u * rng.uniform(0.008, 0.016)
        c.glow(x, y, r * 3, (200, 210, 255), 140)
        c.draw.line(
            [(x - r * 2, y), (x + r * 2, y)], fill=(240, 240, 255), width=max(1, c.u // 500)
        )
        c.draw.line(
            [(x, y - r * 2), (x, y + r * 2)], fill=(240, 240, 255), width=max(1, c.u // 500)
        )
    # The planet: a shaded sphere with bands and a ring in front.
    px, py, pr = c.x(rng.uniform(0.4, 0.6)), c.y(rng.uniform(0.45, 0.55)), c.u * 0.24
    body = (
        _hsl(c.hues[0], 0.55, 0.55)
        if c.hues
        else rng.choice(((210, 160, 110), (120, 160, 210), (200, 120, 90)))
    )
    ring_box = [px - pr * 1.8, py - pr * 0.42, px + pr * 1.8, py + pr * 0.42]
    c.draw.ellipse(ring_box, outline=_shade(body, 1.15), width=max(2, int(pr * 0.12)))
    mask, draw = c.mask()
    draw.ellipse([px - pr, py - pr, px + pr, py + pr], fill=255)
    c.fill(mask, body)
    for k in range(-3, 4):  # bands
        y = py + k * pr * 0.22
        half = math.sqrt(max(0, pr * pr - (y - py) ** 2))
        c.draw.line(
            [(px - half, y), (px + half, y)],
            fill=_shade(body, 0.85 + 0.08 * (k % 2)),
            width=max(1, int(pr * 0.07)),
        )
    c.volume(mask, depth=0.12, strength=0.9)
    # The front half of the ring passes over the planet.
    c.draw.arc(ring_box, 0, 180, fill=_shade(body, 1.25), width=max(2, int(pr * 0.12)))
    mx, my, mr = c.x(0.18), c.y(0.22), c.u * 0.05
    mask, draw = c.mask()
    draw.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=255)
    c.fill(mask, (180, 180, 190))
    c.volume(mask, depth=0.03, strength=0.9)
    c.ground = 0.9


def scene_abstract(c: Canvas) -> None:
    """Overlapping circles, bands and triangles in the prompt's palette, with soft shadows."""
    rng = c.rng
    palette = c.palette + [_hsl((_lightness(c.palette[0])[0] * 360 + 180) % 360, 0.6, 0.5)]
    c.gradient(_shade(palette[0], 1.15), _shade(palette[-1], 0.9))
    for _ in range(3):
        y = c.y(rng.random())
        c.draw.rectangle([0, y, c.w, y + c.u * rng.uniform(0.04, 0.12)], fill=rng.choice(palette))
    shapes = int(rng.randint(9, 14) * c.w / c.u)
    for _ in range(shapes):
        x, y, r = c.x(rng.random()), c.y(rng.random()), c.u * rng.uniform(0.05, 0.2)
        c.shadow(x + r * 0.15, y + r * 0.2, r, r, 80)
        color = rng.choice(palette)
        kind = rng.random()
        if kind < 0.45:
            c.draw.ellipse([x - r, y - r, x + r, y + r], fill=color)
            c.draw.ellipse(
                [x - r * 0.5, y - r * 0.5, x + r * 0.5, y + r * 0.5], fill=rng.choice(palette)
            )
        elif kind < 0.75:
            a = rng.uniform(0, math.tau)
            c.draw.polygon(
                [
                    (x + math.cos(a + i * math.tau / 3) * r, y + math.sin(a + i * math.tau / 3) * r)
                    for i in range(3)
                ],
                fill=color,
            )
        else:
            c.draw.arc(
                [x - r, y - r, x + r, y + r],
                rng.randint(0, 180),
                rng.randint(200, 360),
                fill=color,
                width=max(2, int(r * 0.2)),
            )
    for _ in range(4):
        c.draw.line(
            [(c.x(rng.random()), c.y(rng.random())), (c.x(rng.random()), c.y(rng.random()))],
            fill=(25, 25, 30),
            width=max(1, c.u // 150),
        )
    c.ground = 0.85


# ---------------------------------------------------------------------------------------------
# Subjects: a figure in front of a setting (their own, or the one the prompt names)


def _room(c: Canvas) -> None:
    """A warm room: wall, a window with the sky outside, a wooden floor."""
    wall = (196, 170, 140) if not c.night else (90, 75, 80)
    c.gradient(_shade(wall, 1.05), _shade(wall, 0.85), (0, 0, c.w, int(c.y(0.72))))
    wx0, wy0, wx1, wy1 = c.x(0.6), c.y(0.12), c.x(0.9), c.y(0.5)
    outside = ((15, 20, 60), (60, 60, 120)) if c.night else ((120, 180, 235), (210, 230, 245))
    c.gradient(*outside, (int(wx0), int(wy0), int(wx1), int(wy1)))
    if c.night:
        c.draw.ellipse(
            [
                wx0 + (wx1 - wx0) * 0.55,
                wy0 + (wy1 - wy0) * 0.15,
                wx0 + (wx1 - wx0) * 0.8,
                wy0 + (wy1 - wy0) * 0.15 + (wx1 - wx0) * 0.25,
            ],
            fill=(245, 240, 210),
        )
    frame = (240, 235, 225)
    bar = max(2, int(c.u * 0.012))
    c.draw.rectangle([wx0, wy0, wx1, wy1], outline=frame, width=bar)
    c.draw.line([((wx0 + wx1) / 2, wy0), ((wx0 + wx1) / 2, wy1)], fill=frame, width=bar)
    c.draw.line([(wx0, (wy0 + wy1) / 2), (wx1, (wy0 + wy1) / 2)], fill=frame, width=bar)
    c.glow((wx0 + wx1) / 2, c.y(0.78), c.u * 0.25, (255, 240, 210), 60)
    c.gradient((150, 105, 70), (95, 62, 40), (0, int(c.y(0.72)), c.w, c.h))
    for i in range(1, 6):
        y = c.y(0.72) + (c.h - c.y(0.72)) * (i / 6) ** 1.3
        c.draw.line([(0, y), (c.w, y)], fill=(80, 52, 34), width=max(1, c.u // 400))
    c.ground = 0.86


def _park(c: Canvas) -> None:
    top, bottom = c.sky((100, 165, 230), (215, 235, 250))
    c.gradient(top, bottom)
    if not c.night:
        c.clouds(4, 0.06, 0.3, (255, 255, 255), 180)
    else:
        c.stars(100, 0.5)
    c.celestial(c.x(0.82), c.y(0.14), c.u * 0.045)
    grass = (235, 240, 248) if c.snow else (90, 160, 70)
    dim = 0.45 if c.night else 1.0
    _hills(c, 0.6, _mix(_shade(grass, 0.8 * dim), bottom, 0.35), 0.025, 0.8)
    for fx in (0.12, 0.3, 0.86):
        _round_tree(c, c.x(fx), c.y(0.64), c.u * 0.3, _shade((60, 120, 60), dim))
    c.gradient(_shade(grass, dim), _shade(grass, 0.75 * dim), (0, int(c.y(0.66)), c.w, c.h))
    for _ in range(int(160 * c.w / c.u)):
        x, y = c.x(c.rng.random()), c.y(c.rng.uniform(0.68, 1))
        c.draw.line(
            [(x, y), (x + c.u * 0.004, y - c.u * 0.015)],
            fill=_shade(grass, 0.7 * dim),
            width=max(1, c.u // 400),
        )
    c.ground = 0.86


def _backdrop(c: Canvas, default: Callable[[Canvas], None]) -> None:
    if not c.backdrop:
        default(c)


def _cat_coat(c: Canvas) -> tuple[RGB, RGB, bool]:
    if c.has("tiger", "호랑이"):
        return c.subject_color((230, 130, 40)), (30, 25, 25), True
    coats = [
        ((225, 145, 70), (170, 90, 40)),
        ((130, 130, 140), (80, 80, 92)),
        ((60, 55, 60), (35, 32, 36)),
        ((235, 230, 220), (200, 190, 180)),
    ]
    fur, stripe = c.rng.choice(coats)
    fur = c.subject_color(fur)
    return (
        fur,
        _shade(fur, 0.7) if fur != coats[0][0] else stripe,
        fur == coats[0][0] or c.has("tabby"),
    )


def subject_cat(c: Canvas) -> None:
    """A sitting cat: a pear-shaped body, a round head with pointed ears, green eyes with slit
    pupils, whiskers and a curled tail, with a soft shadow on the floor."""
    _backdrop(c, _room)
    s = c.u * 0.5
    cx, base = c.w * 0.42, c.y(c.ground)
    fur, stripe, striped = _cat_coat(c)
    c.shadow(cx + s * 0.05, base, s * 0.55, s * 0.07, 140)
    mask, draw = c.mask()
    tail = _bezier(
        [
            (cx + s * 0.3, base - s * 0.08),
            (cx + s * 0.85, base - s * 0.05),
            (cx + s * 0.8, base - s * 0.55),
            (cx + s * 0.6, base - s * 0.7),
        ],
        30,
    )
    _thick_curve(draw, tail, s * 0.12, s * 0.08, 255)
    draw.ellipse([cx - s * 0.38, base - s * 0.75, cx + s * 0.38, base + s * 0.02], fill=255)  # body
    draw.ellipse([cx - s * 0.3, base - s * 0.95, cx + s * 0.3, base - s * 0.45], fill=255)  # chest
    hx, hy, hr = cx, base - s * 1.05, s * 0.27
    draw.ellipse([hx - hr * 1.1, hy - hr, hx + hr * 1.1, hy + hr * 0.95], fill=255)
    for side in (-1, 1):  # ears
        draw.polygon(
            [
                (hx + side * hr * 0.95, hy - hr * 0.2),
                (hx + side * hr * 0.85, hy - hr * 1.45),
                (hx + side * hr * 0.2, hy - hr * 0.8),
            ],
            fill=255,
        )
    c.fill(mask, fur)
    d = c.draw
    if striped:
        for k in range(5):
            y = base - s * (0.2 + k * 0.13)
            d.arc(
                [cx - s * 0.38, y - s * 0.05, cx - s * 0.05, y + s * 0.05],
                150,
                210,
                fill=stripe,
                width=max(1, int(s * 0.035)),
            )
            d.arc(
                [cx + s * 0.05, y - s * 0.05, cx + s * 0.38, y + s * 0.05],
                330,
                30,
                fill=stripe,
                width=max(1, int(s * 0.035)),
            )
        for k in (-1, 0, 1):
            d.line(
                [(hx + k * hr * 0.25, hy - hr * 0.9), (hx + k * hr * 0.18, hy - hr * 0.55)],
                fill=stripe,
                width=max(1, int(s * 0.03)),
            )
        for i in range(2, len(tail) - 1, 6):
            px, py = tail[i]
            d.ellipse([px - s * 0.05, py - s * 0.05, px + s * 0.05, py + s * 0.05], fill=stripe)
    c.volume(mask, depth=0.06, strength=0.65)
    d = c.draw
    d.ellipse(
        [cx - s * 0.16, base - s * 0.82, cx + s * 0.16, base - s * 0.5],
        fill=_mix(fur, (255, 255, 255), 0.35),
    )  # chest fluff
    for side in (-1, 1):
        d.polygon(
            [
                (hx + side * hr * 0.8, hy - hr * 0.35),
                (hx + side * hr * 0.8, hy - hr * 1.15),
                (hx + side * hr * 0.38, hy - hr * 0.72),
            ],
            fill=(235, 160, 165),
        )
        d.ellipse(
            [
                cx + side * s * 0.12 - s * 0.1,
                base - s * 0.08,
                cx + side * s * 0.12 + s * 0.1,
                base + s * 0.02,
            ],
            fill=_shade(fur, 1.1),
        )  # paws
        ex, ey = hx + side * hr * 0.42, hy - hr * 0.05
        d.ellipse(
            [ex - hr * 0.2, ey - hr * 0.16, ex + hr * 0.2, ey + hr * 0.16],
            fill=(120, 200, 90) if not c.has("tiger", "호랑이") else (230, 190, 60),
        )
        d.ellipse(
            [ex - hr * 0.05, ey - hr * 0.15, ex + hr * 0.05, ey + hr * 0.15], fill=(15, 15, 15)
        )
        d.ellipse(
            [ex - hr * 0.12, ey - hr * 0.1, ex - hr * 0.05, ey - hr * 0.03], fill=(255, 255, 255)
        )
        for k in (-1, 0, 1):  # whiskers
            d.line(
                [
                    (hx + side * hr * 0.3, hy + hr * 0.38),
                    (hx + side * hr * 1.35, hy + hr * (0.3 + k * 0.15)),
                ],
                fill=(245, 245, 240),
                width=max(1, int(s * 0.006)),
            )
    d.polygon(
        [(hx - hr * 0.1, hy + hr * 0.2), (hx + hr * 0.1, hy + hr * 0.2), (hx, hy + hr * 0.32)],
        fill=(220, 120, 130),
    )
    d.line(
        [(hx, hy + hr * 0.32), (hx, hy + hr * 0.45)],
        fill=(60, 40, 40),
        width=max(1, int(s * 0.008)),
    )
    d.arc(
        [hx - hr * 0.2, hy + hr * 0.3, hx, hy + hr * 0.55],
        20,
        160,
        fill=(60, 40, 40),
        width=max(1, int(s * 0.008)),
    )
    d.arc(
        [hx, hy + hr * 0.3, hx + hr * 0.2, hy + hr * 0.55],
        20,
        160,
        fill=(60, 40, 40),
        width=max(1, int(s * 0.008)),
    )


def subject_dog(c: Canvas) -> None:
    """A dog standing side-on: body, four legs, a head with a snout and a floppy ear, a raised
    tail and a red collar. A fox gets pointed ears, orange fur and a white-tipped bushy tail."""
    _backdrop(c, _park)
    fox = c.has("fox", "여우")
    wolf = c.has("wolf", "늑대")
    s = c.u * 0.5
    cx, base = c.w * 0.48, c.y(c.ground)
    if fox:
        fur = c.subject_color((215, 110, 40))
    elif wolf:
        fur = c.subject_color((130, 130, 135))
    else:
        fur = c.subject_color(
            c.rng.choice(((200, 150, 90), (150, 95, 55), (235, 215, 180), (60, 50, 45)))
        )
    c.shadow(cx, base, s * 0.7, s * 0.06, 140)
    mask, draw = c.mask()
    body_top, body_bottom = base - s * 0.72, base - s * 0.36
    leg_w = s * 0.1
    for lx in (-0.42, -0.26, 0.22, 0.38):  # legs
        draw.rounded_rectangle(
            [cx + lx * s - leg_w / 2, body_top + s * 0.15, cx + lx * s + leg_w / 2, base],
            radius=leg_w / 2,
            fill=255,
        )
    draw.ellipse([cx - s * 0.55, body_top, cx + s * 0.55, body_bottom], fill=255)
    hx, hy, hr = cx - s * 0.58, body_top - s * 0.12, s * 0.2
    draw.polygon(
        [
            (cx - s * 0.45, body_top + s * 0.05),
            (hx + hr * 0.1, hy - hr * 0.3),
            (hx + hr * 0.7, hy + hr * 0.2),
            (cx - s * 0.3, body_top + s * 0.28),
        ],
        fill=255,
    )  # neck
    draw.ellipse([hx - hr, hy - hr, hx + hr, hy + hr], fill=255)
    draw.rounded_rectangle(
        [hx - hr * 1.75, hy - hr * 0.05, hx - hr * 0.2, hy + hr * 0.65], radius=hr * 0.3, fill=255
    )  # snout
    tail = _bezier(
        [
            (cx + s * 0.5, body_top + s * 0.1),
            (cx + s * 0.75, body_top),
            (cx + s * 0.8, body_top - s * 0.25),
        ],
        20,
    )
    if fox:
        tail = _bezier(
            [
                (cx + s * 0.5, body_top + s * 0.15),
                (cx + s * 0.85, body_top + s * 0.2),
                (cx + s * 1.0, body_top - s * 0.05),
            ],
            20,
        )
        _thick_curve(draw, tail, s * 0.16, s * 0.22, 255)
    else:
        _thick_curve(draw, tail, s * 0.08, s * 0.05, 255)
    if fox or wolf:
        for dx in (-0.35, 0.3):
            draw.polygon(
                [
                    (hx + dx * hr - hr * 0.3, hy - hr * 0.6),
                    (hx + dx * hr, hy - hr * 1.6),
                    (hx + dx * hr + hr * 0.35, hy - hr * 0.5),
                ],
                fill=255,
            )
    c.fill(mask, fur)
    c.volume(mask, depth=0.05, strength=0.6)
    d = c.draw
    if fox:
        tip = tail[-1]
        d.ellipse(
            [tip[0] - s * 0.12, tip[1] - s * 0.12, tip[0] + s * 0.1, tip[1] + s * 0.1],
            fill=(245, 240, 235),
        )
        d.ellipse(
            [hx - hr * 1.6, hy + hr * 0.15, hx - hr * 0.1, hy + hr * 0.7], fill=(245, 240, 235)
        )
        for lx in (-0.42, -0.26, 0.22, 0.38):
            d.rectangle(
                [cx + lx * s - leg_w / 2, base - s * 0.1, cx + lx * s + leg_w / 2, base],
                fill=(40, 30, 30),
            )
    elif not wolf:
        d.ellipse(
            [hx - hr * 0.1, hy - hr * 0.75, hx + hr * 0.75, hy + hr * 0.9], fill=_shade(fur, 0.6)
        )  # floppy ear
        d.line(
            [(cx - s * 0.45, body_top + s * 0.02), (cx - s * 0.33, body_top + s * 0.3)],
            fill=(200, 40, 50),
            width=max(2, int(s * 0.05)),
        )  # collar
        d.ellipse(
            [cx - s * 0.4, body_top + s * 0.2, cx - s * 0.34, body_top + s * 0.26],
            fill=(250, 210, 60),
        )
    d.ellipse(
        [hx - hr * 1.85, hy - hr * 0.12, hx - hr * 1.5, hy + hr * 0.2], fill=(25, 20, 20)
    )  # nose
    d.ellipse(
        [hx - hr * 0.55, hy - hr * 0.4, hx - hr * 0.25, hy - hr * 0.1], fill=(25, 20, 20)
    )  # eye
    d.ellipse(
        [hx - hr * 0.48, hy - hr * 0.36, hx - hr * 0.38, hy - hr * 0.26], fill=(255, 255, 255)
    )
    d.line(
        [(hx - hr * 1.5, hy + hr * 0.5), (hx - hr * 0.9, hy + hr * 0.55)],
        fill=(40, 30, 30),
        width=max(1, int(s * 0.01)),
    )


def subject_bird(c: Canvas) -> None:
    """A songbird perched on a leafy branch against the sky, with far birds flying."""
    rng = c.rng
    if not c.backdrop:
        top, bottom = c.sky((110, 170, 235), (225, 238, 250))
        c.gradient(top, bottom)
        c.clouds(5, 0.05, 0.7, (255, 255, 255), 150)
        c.celestial(c.x(0.15), c.y(0.15), c.u * 0.05)
        c.ground = 0.72
    s = c.u * 0.45
    cx, cy = c.w * 0.5, c.y(min(c.ground, 0.75)) - s * 0.55
    # The branch, across the picture, with leaves.
    branch = _bezier(
        [
            (0, cy + s * 0.75),
            (c.w * 0.4, cy + s * 0.5),
            (c.w * 0.7, cy + s * 0.6),
            (c.w, cy + s * 0.3),
        ],
        40,
    )
    _thick_curve(c.draw, branch, s * 0.12, s * 0.06, (95, 65, 45))
    for i in range(3, len(branch), 5):
        bx, by = branch[i]
        for side in (-1, 1):
            lx, ly = bx + s * 0.08, by + side * s * 0.12
            c.draw.ellipse(
                [lx - s * 0.09, ly - s * 0.04, lx + s * 0.09, ly + s * 0.04],
                fill=_shade((70, 140, 60), 0.9 + 0.2 * rng.random()),
            )
    body = c.subject_color(
        rng.choice(((60, 120, 200), (200, 70, 50), (240, 190, 50), (90, 160, 90)))
    )
    belly = _mix(body, (255, 245, 220), 0.6)
    mask, draw = c.mask()
    draw.polygon(
        [
            (cx + s * 0.3, cy + s * 0.1),
            (cx + s * 0.85, cy + s * 0.35),
            (cx + s * 0.8, cy + s * 0.5),
            (cx + s * 0.25, cy + s * 0.3),
        ],
        fill=255,
    )  # tail
    draw.ellipse([cx - s * 0.4, cy - s * 0.25, cx + s * 0.4, cy + s * 0.35], fill=255)  # body
    hx, hy, hr = cx - s * 0.3, cy - s * 0.3, s * 0.2
    draw.ellipse([hx - hr, hy - hr, hx + hr, hy + hr], fill=255)
    c.fill(mask, body)
    c.draw.ellipse([cx - s * 0.38, cy - s * 0.05, cx + s * 0.1, cy + s * 0.34], fill=belly)
    c.draw.ellipse(
        [cx - s * 0.1, cy - s * 0.2, cx + s * 0.45, cy + s * 0.18], fill=_shade(body, 0.7)
    )  # wing
    for k in range(3):
        c.draw.arc(
            [cx - s * 0.05 + k * s * 0.1, cy - s * 0.1, cx + s * 0.45, cy + s * 0.18],
            60,
            180,
            fill=_shade(body, 0.5),
            width=max(1, int(s * 0.01)),
        )
    c.volume(mask, depth=0.05, strength=0.6)
    d = c.draw
    d.polygon(
        [
            (hx - hr * 0.9, hy - hr * 0.15),
            (hx - hr * 1.7, hy + hr * 0.1),
            (hx - hr * 0.85, hy + hr * 0.3),
        ],
        fill=(240, 160, 40),
    )  # beak
    d.ellipse([hx - hr * 0.45, hy - hr * 0.35, hx - hr * 0.1, hy], fill=(15, 15, 20))
    d.ellipse([hx - hr * 0.35, hy - hr * 0.3, hx - hr * 0.25, hy - hr * 0.2], fill=(255, 255, 255))
    for dx in (-0.1, 0.08):
        d.line(
            [(cx + dx * s, cy + s * 0.33), (cx + dx * s, cy + s * 0.52)],
            fill=(120, 90, 60),
            width=max(1, int(s * 0.02)),
        )
    for _ in range(4):
        gx, gy, gs = (
            c.x(rng.uniform(0.55, 0.95)),
            c.y(rng.uniform(0.08, 0.3)),
            c.u * rng.uniform(0.012, 0.025),
        )
        d.line(
            [(gx - gs, gy - gs * 0.4), (gx, gy), (gx + gs, gy - gs * 0.4)],
            fill=(50, 50, 70),
            width=max(1, int(gs * 0.2)),
        )


def subject_fish(c: Canvas) -> None:
    """Underwater: light rays from the surface, bubbles, seaweed and sand, a big striped fish
    and a school of small ones."""
    rng = c.rng
    water = (20, 110, 160) if not c.night else (10, 40, 80)
    c.gradient(_mix(water, (150, 220, 240), 0.5), _shade(water, 0.4))
    mask, draw = c.mask()
    for _ in range(5):
        x = c.x(rng.uniform(0, 1))
        draw.polygon(
            [(x, 0), (x + c.u * 0.06, 0), (x + c.u * 0.25, c.h), (x + c.u * 0.12, c.h)], fill=45
        )
    c.soft_fill(mask, (220, 250, 255), c.u * 0.015)
    _hills(c, 0.9, (200, 180, 130), 0.015, 1.2)
    for _ in range(int(9 * c.w / c.u)):  # seaweed
        x = c.x(rng.random())
        height = c.u * rng.uniform(0.15, 0.35)
        weed = [
            (x + math.sin(i * 0.6 + x) * c.u * 0.02, c.y(0.93) - height * i / 12) for i in range(13)
        ]
        _thick_curve(
            c.draw, weed, c.u * 0.025, c.u * 0.01, _shade((40, 140, 80), rng.uniform(0.7, 1.1))
        )
    for _ in range(3):  # coral
        x, r = c.x(rng.random()), c.u * rng.uniform(0.04, 0.07)
        c.draw.ellipse(
            [x - r, c.y(0.92) - r, x + r, c.y(0.92) + r * 0.6],
            fill=rng.choice(((240, 110, 120), (250, 160, 90), (200, 100, 200))),
        )
    for _ in range(12):  # small fish far away
        x, y, r = c.x(rng.random()), c.y(rng.uniform(0.15, 0.6)), c.u * rng.uniform(0.012, 0.022)
        color = _mix((230, 200, 80), water, 0.4)
        c.draw.ellipse([x - r * 1.6, y - r * 0.7, x + r * 1.6, y + r * 0.7], fill=color)
        c.draw.polygon(
            [(x + r * 1.4, y), (x + r * 2.4, y - r * 0.8), (x + r * 2.4, y + r * 0.8)], fill=color
        )
    s = c.u * 0.42
    cx, cy = c.w * 0.5, c.y(0.55)
    body = c.subject_color((245, 120, 30))
    mask, draw = c.mask()
    draw.ellipse([cx - s * 0.6, cy - s * 0.32, cx + s * 0.45, cy + s * 0.32], fill=255)
    draw.polygon(
        [
            (cx + s * 0.35, cy),
            (cx + s * 0.85, cy - s * 0.35),
            (cx + s * 0.75, cy),
            (cx + s * 0.85, cy + s * 0.35),
        ],
        fill=255,
    )  # tail
    draw.polygon(
        [
            (cx - s * 0.2, cy - s * 0.28),
            (cx + s * 0.05, cy - s * 0.55),
            (cx + s * 0.25, cy - s * 0.22),
        ],
        fill=255,
    )  # dorsal fin
    c.fill(mask, body)
    for k in (-0.3, 0.05):  # white stripes, outlined
        c.draw.ellipse(
            [cx + k * s - s * 0.07, cy - s * 0.3, cx + k * s + s * 0.07, cy + s * 0.3],
            fill=(250, 250, 245),
            outline=(30, 20, 20),
            width=max(1, int(s * 0.012)),
        )
    c.volume(mask, depth=0.05, strength=0.7)
    d = c.draw
    d.polygon(
        [
            (cx - s * 0.1, cy + s * 0.12),
            (cx + s * 0.05, cy + s * 0.3),
            (cx + s * 0.1, cy + s * 0.1),
        ],
        fill=_shade(body, 0.8),
    )
    d.ellipse([cx - s * 0.48, cy - s * 0.12, cx - s * 0.36, cy], fill=(255, 255, 255))
    d.ellipse([cx - s * 0.45, cy - s * 0.09, cx - s * 0.39, cy - s * 0.03], fill=(10, 10, 10))
    d.arc(
        [cx - s * 0.62, cy + s * 0.02, cx - s * 0.5, cy + s * 0.12],
        300,
        60,
        fill=(60, 30, 20),
        width=max(1, int(s * 0.01)),
    )
    for _ in range(14):  # bubbles
        x, y, r = (
            cx - s * 0.6 + rng.uniform(-0.05, 0.05) * c.u,
            cy - rng.uniform(0.05, 0.5) * c.h,
            c.u * rng.uniform(0.006, 0.018),
        )
        d.ellipse(
            [x - r, y - r, x + r, y + r], outline=(220, 245, 255), width=max(1, int(r * 0.25))
        )
    c.ground = 0.9


def subject_person(c: Canvas) -> None:
    """A head-and-shoulders portrait: soft studio light, shoulders in a coloured top, a face
    with eyes, brows, nose, mouth and blush, hair (long for a girl or a woman)."""
    rng = c.rng
    if not c.backdrop:
        back = (
            _hsl(c.hues[1], 0.3, 0.55)
            if len(c.hues) > 1
            else rng.choice(((120, 140, 170), (170, 150, 130), (110, 150, 130)))
        )
        c.gradient(_shade(back, 1.15), _shade(back, 0.7))
        c.glow(c.x(0.42), c.y(0.35), c.u * 0.35, _shade(back, 1.4), 120)
    long_hair = c.has(
        "girl",
        "woman",
        "lady",
        "princess",
        "queen",
        "소녀",
        "여자",
        "여성",
        "공주",
        "아가씨",
        "할머니",
    )
    s = c.u if c.w >= c.h else min(c.w * 1.2, c.h * 0.7)  # a tall portrait fills its height
    cx, cy = c.w * 0.5, c.h - s * 0.58
    skin = rng.choice(((240, 200, 170), (225, 180, 145), (190, 140, 105), (140, 95, 70)))
    hair = rng.choice(((40, 30, 25), (90, 60, 35), (160, 110, 60), (30, 30, 35)))
    if c.has("grand", "할머니", "할아버지", "old"):
        hair = (205, 205, 210)
    top = c.subject_color(
        rng.choice(((70, 90, 150), (170, 60, 70), (60, 120, 100), (220, 200, 170)))
    )
    hr = s * 0.16
    mask, draw = c.mask()
    if long_hair:  # hair behind the shoulders
        draw.rounded_rectangle(
            [cx - hr * 1.25, cy - hr * 0.9, cx + hr * 1.25, cy + hr * 2.1],
            radius=hr * 0.6,
            fill=255,
        )
    c.fill(mask, _shade(hair, 0.8))
    mask, draw = c.mask()
    draw.ellipse([cx - s * 0.38, cy + hr * 1.3, cx + s * 0.38, cy + s * 0.9], fill=255)  # shoulders
    c.fill(mask, top)
    c.volume(mask, depth=0.06, strength=0.55)
    mask, draw = c.mask()
    draw.rectangle([cx - hr * 0.38, cy + hr * 0.5, cx + hr * 0.38, cy + hr * 1.5], fill=255)  # neck
    draw.ellipse([cx - hr * 0.9, cy - hr * 1.1, cx + hr * 0.9, cy + hr * 1.1], fill=255)  # face
    for side in (-1, 1):
        draw.ellipse(
            [
                cx + side * hr * 0.85 - hr * 0.15,
                cy - hr * 0.15,
                cx + side * hr * 0.85 + hr * 0.15,
                cy + hr * 0.3,
            ],
            fill=255,
        )  # ears
    c.fill(mask, skin)
    c.draw.polygon(
        [(cx - hr * 0.38, cy + hr * 1.3), (cx + hr * 0.38, cy + hr * 1.3), (cx, cy + hr * 1.75)],
        fill=_shade(skin, 0.9),
    )  # neckline
    c.volume(mask, depth=0.04, strength=0.5)
    d = c.draw
    # Hair on top: a cap with a side part and a fringe.
    d.chord([cx - hr * 1.0, cy - hr * 1.3, cx + hr * 1.0, cy + hr * 0.2], 180, 360, fill=hair)
    d.polygon(
        [
            (cx - hr * 0.95, cy - hr * 0.5),
            (cx - hr * 0.2, cy - hr * 0.7),
            (cx + hr * 0.2, cy - hr * 0.45),
            (cx + hr * 0.95, cy - hr * 0.5),
            (cx + hr * 0.95, cy - hr * 0.7),
            (cx - hr * 0.95, cy - hr * 0.7),
        ],
        fill=hair,
    )
    if long_hair:
        for side in (-1, 1):
            d.polygon(
                [
                    (cx + side * hr * 0.98, cy - hr * 0.6),
                    (cx + side * hr * 0.78, cy - hr * 0.3),
                    (cx + side * hr * 0.85, cy + hr * 1.6),
                    (cx + side * hr * 1.25, cy + hr * 1.8),
                    (cx + side * hr * 1.2, cy - hr * 0.2),
                ],
                fill=hair,
            )
    d.arc(
        [cx - hr * 0.5, cy - hr * 1.15, cx + hr * 0.3, cy - hr * 0.5],
        200,
        300,
        fill=_shade(hair, 1.6),
        width=max(1, int(hr * 0.05)),
    )
    for side in (-1, 1):
        ex, ey = cx + side * hr * 0.36, cy - hr * 0.05
        d.ellipse(
            [ex - hr * 0.17, ey - hr * 0.1, ex + hr * 0.17, ey + hr * 0.1], fill=(250, 250, 250)
        )
        d.ellipse(
            [ex - hr * 0.09, ey - hr * 0.09, ex + hr * 0.09, ey + hr * 0.09], fill=(70, 50, 35)
        )
        d.ellipse(
            [ex - hr * 0.04, ey - hr * 0.04, ex + hr * 0.04, ey + hr * 0.04], fill=(10, 10, 10)
        )
        d.ellipse(
            [ex - hr * 0.06, ey - hr * 0.07, ex - hr * 0.02, ey - hr * 0.03], fill=(255, 255, 255)
        )
        d.line(
            [
                (ex - hr * 0.2, ey - hr * 0.22),
                (ex, ey - hr * 0.28),
                (ex + hr * 0.2, ey - hr * 0.22),
            ],
            fill=_shade(hair, 0.9),
            width=max(1, int(hr * 0.06)),
        )
        d.ellipse(
            [ex - hr * 0.2, ey + hr * 0.25, ex + hr * 0.15, ey + hr * 0.42],
            fill=_mix(skin, (240, 120, 120), 0.35),
        )
    d.line(
        [
            (cx + hr * 0.02, cy + hr * 0.05),
            (cx - hr * 0.06, cy + hr * 0.35),
            (cx + hr * 0.06, cy + hr * 0.38),
        ],
        fill=_shade(skin, 0.7),
        width=max(1, int(hr * 0.04)),
    )
    d.chord(
        [cx - hr * 0.25, cy + hr * 0.45, cx + hr * 0.25, cy + hr * 0.72], 0, 180, fill=(190, 80, 90)
    )


def subject_food(c: Canvas) -> None:
    """Food on a wooden table: a layered cake with cream, strawberries and candles, or a bowl
    of ramen with noodles, egg, greens and rising steam."""
    rng = c.rng
    wall = (235, 220, 200) if not c.night else (90, 80, 90)
    c.gradient(_shade(wall, 1.05), _shade(wall, 0.8), (0, 0, c.w, int(c.y(0.55))))
    c.glow(c.x(0.3), c.y(0.2), c.u * 0.3, (255, 245, 225), 90)
    c.gradient((170, 115, 70), (110, 70, 40), (0, int(c.y(0.55)), c.w, c.h))
    for _ in range(int(10 * c.w / c.u)):
        y = c.y(rng.uniform(0.56, 1))
        c.draw.line(
            [(0, y), (c.w, y + c.u * rng.uniform(-0.01, 0.01))],
            fill=(130, 85, 50),
            width=max(1, c.u // 300),
        )
    cx, cy, s = c.w * 0.5, c.y(0.7), c.u * 0.42
    c.shadow(cx + s * 0.05, cy + s * 0.12, s * 1.05, s * 0.22, 130)
    c.draw.ellipse(
        [cx - s * 1.0, cy - s * 0.2, cx + s * 1.0, cy + s * 0.22], fill=(245, 245, 240)
    )  # plate
    c.draw.ellipse([cx - s * 0.8, cy - s * 0.14, cx + s * 0.8, cy + s * 0.15], fill=(228, 228, 225))
    if c.has(
        "cake", "케이크", "birthday", "생일", "dessert", "디저트", "cupcake", "빵", "bread", "pie"
    ):
        cream, sponge = (250, 245, 235), c.subject_color((240, 200, 150))
        mask, draw = c.mask()
        draw.rectangle([cx - s * 0.6, cy - s * 0.7, cx + s * 0.6, cy], fill=255)
        draw.ellipse([cx - s * 0.6, cy - s * 0.12, cx + s * 0.6, cy + s * 0.12], fill=255)
        c.fill(mask, cream)
        for k in (0.25, 0.5):
            c.draw.rectangle(
                [
                    cx - s * 0.6,
                    cy - s * 0.7 * k - s * 0.04,
                    cx + s * 0.6,
                    cy - s * 0.7 * k + s * 0.04,
                ],
                fill=sponge,
            )
        c.volume(mask, depth=0.08, strength=0.5)
        c.draw.ellipse(
            [cx - s * 0.6, cy - s * 0.82, cx + s * 0.6, cy - s * 0.58], fill=_shade(cream, 1.02)
        )
        for i in range(9):  # cream drips
            x = cx - s * 0.55 + i * s * 0.138
            c.draw.ellipse(
                [x - s * 0.05, cy - s * 0.72, x + s * 0.05, cy - s * 0.58 + s * 0.05 * (i % 3)],
                fill=cream,
            )
        for i in range(5):
            a = math.tau * i / 5 + 0.3
            bx, by = cx + math.cos(a) * s * 0.38, cy - s * 0.7 + math.sin(a) * s * 0.07
            c.draw.ellipse(
                [bx - s * 0.07, by - s * 0.09, bx + s * 0.07, by + s * 0.05], fill=(220, 40, 50)
            )
            c.draw.polygon(
                [
                    (bx - s * 0.04, by - s * 0.08),
                    (bx, by - s * 0.13),
                    (bx + s * 0.04, by - s * 0.08),
                ],
                fill=(60, 150, 60),
            )
        for dx in (-0.15, 0.0, 0.15):
            x = cx + dx * s
            c.draw.rectangle(
                [x - s * 0.015, cy - s * 1.0, x + s * 0.015, cy - s * 0.72], fill=(120, 170, 230)
            )
            c.glow(x, cy - s * 1.05, s * 0.06, (255, 220, 120), 200)
            c.draw.ellipse(
                [x - s * 0.02, cy - s * 1.1, x + s * 0.02, cy - s * 1.0], fill=(255, 240, 170)
            )
    else:
        bowl = c.subject_color((200, 60, 50))
        mask, draw = c.mask()
        draw.chord([cx - s * 0.75, cy - s * 0.85, cx + s * 0.75, cy + s * 0.05], 0, 180, fill=255)
        c.fill(mask, bowl)
        c.volume(mask, depth=0.08, strength=0.6)
        c.draw.ellipse(
            [cx - s * 0.75, cy - s * 0.5, cx + s * 0.75, cy - s * 0.24], fill=_shade(bowl, 0.8)
        )
        c.draw.ellipse(
            [cx - s * 0.7, cy - s * 0.48, cx + s * 0.7, cy - s * 0.26], fill=(200, 130, 60)
        )  # broth
        for k in range(7):  # noodles
            y = cy - s * 0.44 + k * s * 0.025
            c.draw.line(
                [
                    (cx - s * 0.6 + x * s * 0.08, y + math.sin(x * 1.7 + k) * s * 0.015)
                    for x in range(16)
                ],
                fill=(250, 225, 150),
                width=max(1, int(s * 0.015)),
            )
        ex, ey = cx + s * 0.25, cy - s * 0.4
        c.draw.ellipse(
            [ex - s * 0.12, ey - s * 0.07, ex + s * 0.12, ey + s * 0.07], fill=(250, 250, 245)
        )
        c.draw.ellipse(
            [ex - s * 0.06, ey - s * 0.04, ex + s * 0.06, ey + s * 0.04], fill=(250, 170, 40)
        )
        c.draw.rectangle(
            [cx - s * 0.5, cy - s * 0.6, cx - s * 0.3, cy - s * 0.35], fill=(30, 45, 35)
        )  # nori
        for _ in range(6):
            gx, gy = cx + rng.uniform(-0.3, 0.1) * s, cy - s * rng.uniform(0.32, 0.42)
            c.draw.ellipse(
                [gx - s * 0.025, gy - s * 0.015, gx + s * 0.025, gy + s * 0.015], fill=(90, 170, 60)
            )
        for dx in (0.3, 0.38):  # chopsticks
            c.draw.line(
                [(cx + dx * s, cy - s * 0.25), (cx + (dx + 0.5) * s, cy - s * 0.9)],
                fill=(150, 100, 60),
                width=max(2, int(s * 0.025)),
            )
        mask, draw = c.mask()
        for dx in (-0.25, 0.0, 0.22):
            steam = [
                (cx + dx * s + math.sin(i * 0.8) * s * 0.06, cy - s * 0.5 - i * s * 0.05)
                for i in range(10)
            ]
            _thick_curve(draw, steam, s * 0.05, s * 0.02, 120)
        c.soft_fill(mask, (255, 255, 255), s * 0.02)


def subject_building(c: Canvas) -> None:
    """A building on its grounds: a Korean temple with a curved tiled roof and red pillars, a
    castle with towers and battlements, or a house with a gable roof."""
    rng = c.rng
    if not c.backdrop:
        bottom, dim = c.open_sky(sun_x=0.8, clouds=3, cloud_top=0.08)
        _hills(c, 0.62, _mix(_shade((70, 120, 80), dim), bottom, 0.45), 0.04, 0.7)
        c.gradient(
            _shade((110, 160, 80) if not c.snow else (235, 240, 248), dim),
            _shade((80, 130, 60) if not c.snow else (210, 220, 235), dim),
            (0, int(c.y(0.78)), c.w, c.h),
        )
        c.ground = 0.82
    base, cx, s = c.y(c.ground), c.w * 0.5, c.u * 0.5
    c.shadow(cx, base, s * 0.9, s * 0.05, 120)
    lit = (255, 215, 130) if c.night else None
    if c.has(
        "temple",
        "절",
        "사원",
        "사찰",
        "pagoda",
        "shrine",
        "hanok",
        "한옥",
        "궁",
        "palace",
        "불국사",
        "탑",
        "monastery",
    ):
        stone = (180, 175, 165)
        c.draw.rectangle([cx - s * 0.75, base - s * 0.12, cx + s * 0.75, base], fill=stone)
        for k in range(3):
            c.draw.rectangle(
                [
                    cx - s * (0.2 - k * 0.02),
                    base - k * s * 0.04,
                    cx + s * (0.2 - k * 0.02),
                    base - k * s * 0.04 + s * 0.02,
                ],
                fill=_shade(stone, 0.8),
            )
        wall = (235, 225, 200)
        c.draw.rectangle([cx - s * 0.6, base - s * 0.55, cx + s * 0.6, base - s * 0.12], fill=wall)
        for i in range(5):
            x = cx - s * 0.55 + i * s * 0.275
            c.draw.rectangle(
                [x - s * 0.03, base - s * 0.55, x + s * 0.03, base - s * 0.12], fill=(170, 40, 35)
            )
            if i < 4:
                c.draw.rectangle(
                    [x + s * 0.07, base - s * 0.45, x + s * 0.21, base - s * 0.2],
                    fill=lit or (90, 60, 45),
                )
        c.draw.rectangle(
            [cx - s * 0.65, base - s * 0.62, cx + s * 0.65, base - s * 0.55], fill=(40, 110, 90)
        )  # dancheong beam
        roof = c.subject_color((60, 60, 70))
        for tier, (width, y0, rise) in enumerate(((0.95, 0.6, 0.22), (0.62, 0.8, 0.18))):
            y = base - s * y0
            curve = _bezier(
                [
                    (cx - s * width, y - s * 0.1),
                    (cx - s * width * 0.7, y + s * 0.02),
                    (cx - s * width * 0.4, y - s * 0.02),
                ],
                12,
            )
            curve_r = [(2 * cx - px, py) for px, py in reversed(curve)]
            c.draw.polygon(
                [
                    *curve,
                    *curve_r,
                    (cx + s * width * 0.55, y - s * rise),
                    (cx - s * width * 0.55, y - s * rise),
                ],
                fill=roof,
            )
            c.draw.line(
                [(cx - s * width * 0.55, y - s * rise), (cx + s * width * 0.55, y - s * rise)],
                fill=_shade(roof, 0.6),
                width=max(2, int(s * 0.03)),
            )
            if tier == 0:
                c.draw.rectangle(
                    [cx - s * 0.4, base - s * 0.8, cx + s * 0.4, base - s * 0.6 - s * 0.2],
                    fill=wall,
                )
                c.draw.rectangle(
                    [cx - s * 0.4, base - s * 0.8, cx + s * 0.4, base - s * 0.76],
                    fill=(170, 40, 35),
                )
        for side in (-1, 1):  # pines beside the temple
            _tree(c, cx + side * s * 1.05, base + s * 0.02, s * 0.7, (40, 90, 60), (90, 60, 40))
    elif c.has("castle", "성", "fortress", "palace", "성곽"):
        stone = c.subject_color((175, 170, 160))
        mask, draw = c.mask()
        draw.rectangle([cx - s * 0.6, base - s * 0.5, cx + s * 0.6, base], fill=255)
        for side in (-1, 1):
            draw.rectangle(
                [
                    cx + side * s * 0.6 - s * 0.13,
                    base - s * 0.85,
                    cx + side * s * 0.6 + s * 0.13,
                    base,
                ],
                fill=255,
            )
        draw.rectangle([cx - s * 0.16, base - s * 1.05, cx + s * 0.16, base - s * 0.4], fill=255)
        for i in range(9):  # battlements
            x = cx - s * 0.58 + i * s * 0.14
            draw.rectangle([x, base - s * 0.56, x + s * 0.07, base - s * 0.5], fill=255)
        c.fill(mask, stone)
        c.volume(mask, depth=0.03, strength=0.5)
        for row in range(6):
            y = base - s * 0.08 * (row + 1)
            c.draw.line(
                [(cx - s * 0.47, y), (cx + s * 0.47, y)],
                fill=_shade(stone, 0.85),
                width=max(1, c.u // 500),
            )
        roof = (60, 70, 130) if not c.hues else _shade(stone, 0.6)
        for x, w_, top_y, bottom_y in (
            (cx - s * 0.6, s * 0.16, 1.1, 0.85),
            (cx + s * 0.6, s * 0.16, 1.1, 0.85),
            (cx, s * 0.2, 1.4, 1.05),
        ):
            c.draw.polygon(
                [
                    (x - w_, base - s * bottom_y),
                    (x, base - s * top_y),
                    (x + w_, base - s * bottom_y),
                ],
                fill=roof,
            )
        c.draw.line(
            [(cx, base - s * 1.4), (cx, base - s * 1.55)],
            fill=(60, 50, 40),
            width=max(1, c.u // 300),
        )
        c.draw.polygon(
            [(cx, base - s * 1.55), (cx + s * 0.12, base - s * 1.51), (cx, base - s * 1.47)],
            fill=(210, 40, 50),
        )
        c.draw.chord(
            [cx - s * 0.1, base - s * 0.28, cx + s * 0.1, base - s * 0.08],
            180,
            360,
            fill=(60, 40, 30),
        )
        c.draw.rectangle([cx - s * 0.1, base - s * 0.18, cx + s * 0.1, base], fill=(60, 40, 30))
        for x, y in ((cx - s * 0.6, 0.7), (cx + s * 0.6, 0.7), (cx, 0.85)):
            c.draw.chord(
                [x - s * 0.03, base - s * y - s * 0.05, x + s * 0.03, base - s * y + s * 0.05],
                180,
                360,
                fill=lit or (40, 35, 40),
            )
            c.draw.rectangle(
                [x - s * 0.03, base - s * y, x + s * 0.03, base - s * y + s * 0.06],
                fill=lit or (40, 35, 40),
            )
    else:
        wall = c.subject_color(rng.choice(((235, 220, 190), (200, 120, 90), (190, 200, 215))))
        mask, draw = c.mask()
        draw.rectangle([cx - s * 0.55, base - s * 0.6, cx + s * 0.55, base], fill=255)
        c.fill(mask, wall)
        c.volume(mask, depth=0.03, strength=0.45)
        c.draw.polygon(
            [
                (cx - s * 0.68, base - s * 0.58),
                (cx, base - s * 1.05),
                (cx + s * 0.68, base - s * 0.58),
            ],
            fill=(150, 60, 50),
        )
        c.draw.polygon(
            [
                (cx, base - s * 1.05),
                (cx + s * 0.68, base - s * 0.58),
                (cx + s * 0.3, base - s * 0.58),
            ],
            fill=(120, 45, 40),
        )
        c.draw.rectangle(
            [cx + s * 0.25, base - s * 1.0, cx + s * 0.37, base - s * 0.75], fill=(120, 80, 70)
        )  # chimney
        c.draw.rectangle([cx - s * 0.1, base - s * 0.35, cx + s * 0.1, base], fill=(110, 70, 45))
        for dx in (-0.35, 0.35):
            for dy in (0.45,):
                x, y = cx + dx * s, base - s * dy
                c.draw.rectangle(
                    [x - s * 0.1, y - s * 0.08, x + s * 0.1, y + s * 0.1],
                    fill=lit or (170, 210, 235),
                    outline=(250, 250, 250),
                    width=max(1, int(s * 0.015)),
                )
        c.draw.rectangle(
            [cx - s * 0.1, base - s * 0.8, cx + s * 0.1, base - s * 0.68],
            fill=lit or (170, 210, 235),
        )
        for side in (-1, 1):
            _round_tree(c, cx + side * s * 1.0, base, s * 0.7, (60, 130, 60))


def subject_vehicle(c: Canvas) -> None:
    """A vehicle on its way: a train with carriages on rails, a bicycle, or a car on a road,
    with speed lines."""
    rng = c.rng
    if not c.backdrop:
        bottom, dim = c.open_sky(sun_x=0.2, clouds=4, cloud_top=0.06)
        _hills(c, 0.55, _mix(_shade((80, 130, 90), dim), bottom, 0.5), 0.05, 0.8)
        _hills(c, 0.62, _mix(_shade((90, 150, 70), dim), bottom, 0.25), 0.03, 1.3)
        c.draw.rectangle(
            [0, c.y(0.7), c.w, c.h],
            fill=_shade((100, 150, 70) if not c.snow else (230, 235, 245), dim),
        )
        c.ground = 0.8
    base = c.y(c.ground)
    road = (70, 70, 78)
    c.draw.rectangle([0, base - c.u * 0.03, c.w, base + c.u * 0.08], fill=road)
    s = c.u * 0.5
    cx = c.w * 0.5
    if c.has(
        "train", "기차", "열차", "railway", "locomotive", "전철", "지하철", "철도", "기관차", "tram"
    ):
        c.draw.rectangle([0, base - c.u * 0.03, c.w, base + c.u * 0.08], fill=(120, 105, 90))
        for i in range(int(30 * c.w / c.u)):
            x = i * c.u / 30
            c.draw.rectangle(
                [x, base - c.u * 0.005, x + c.u * 0.012, base + c.u * 0.04], fill=(90, 65, 45)
            )
        c.draw.line([(0, base), (c.w, base)], fill=(200, 200, 210), width=max(2, int(c.u * 0.008)))
        body = c.subject_color((40, 90, 160))
        x = cx - s * 1.0
        carriages = int(3 * c.w / c.u) + 1
        for k in range(carriages):
            left = x + k * s * 0.95
            mask, draw = c.mask()
            if k == 0:  # the locomotive with a rounded nose
                draw.rounded_rectangle(
                    [left - s * 0.2, base - s * 0.6, left + s * 0.85, base - s * 0.08],
                    radius=s * 0.18,
                    fill=255,
                )
            else:
                draw.rounded_rectangle(
                    [left, base - s * 0.6, left + s * 0.85, base - s * 0.08],
                    radius=s * 0.05,
                    fill=255,
                )
            c.fill(mask, body)
            c.draw.rectangle(
                [
                    left - (s * 0.2 if k == 0 else 0),
                    base - s * 0.26,
                    left + s * 0.85,
                    base - s * 0.21,
                ],
                fill=(240, 240, 240),
            )
            c.volume(mask, depth=0.04, strength=0.5)
            for j in range(4 if k else 2):
                wx = left + s * (0.05 + j * 0.2) + (s * 0.35 if k == 0 else 0)
                c.draw.rectangle(
                    [wx, base - s * 0.52, wx + s * 0.14, base - s * 0.35],
                    fill=(255, 225, 150) if c.night else (180, 220, 240),
                )
            for wx in (0.15, 0.7):
                c.draw.ellipse(
                    [left + s * wx - s * 0.07, base - s * 0.14, left + s * wx + s * 0.07, base],
                    fill=(40, 40, 45),
                )
        c.draw.ellipse(
            [x - s * 0.22, base - s * 0.22, x - s * 0.14, base - s * 0.14], fill=(255, 240, 180)
        )
        c.glow(x - s * 0.25, base - s * 0.18, s * 0.1, (255, 240, 180), 160)
    elif c.has("bicycle", "bike", "자전거", "cycling"):
        frame = c.subject_color((200, 50, 50))
        r = s * 0.32
        back, front = (cx - s * 0.5, base - r), (cx + s * 0.5, base - r)
        width = max(2, int(s * 0.035))
        for wx, wy in (back, front):
            c.draw.ellipse(
                [wx - r, wy - r, wx + r, wy + r], outline=(30, 30, 30), width=max(3, int(s * 0.05))
            )
            c.draw.ellipse(
                [wx - r * 0.9, wy - r * 0.9, wx + r * 0.9, wy + r * 0.9],
                outline=(180, 180, 190),
                width=max(1, int(s * 0.01)),
            )
            for a in range(0, 360, 30):
                c.draw.line(
                    [
                        (wx, wy),
                        (
                            wx + math.cos(math.radians(a)) * r * 0.9,
                            wy + math.sin(math.radians(a)) * r * 0.9,
                        ),
                    ],
                    fill=(190, 190, 200),
                    width=1,
                )
        pedal = (cx - s * 0.05, base - r)
        seat_at, head_at = (cx - s * 0.2, base - r - s * 0.5), (cx + s * 0.35, base - r - s * 0.55)
        for a, b in (
            (back, pedal),
            (pedal, seat_at),
            (back, seat_at),
            (seat_at, head_at),
            (pedal, head_at),
            (head_at, front),
        ):
            c.draw.line([a, b], fill=frame, width=width)
        c.draw.line(
            [seat_at, (seat_at[0] - s * 0.02, seat_at[1] - s * 0.08)],
            fill=(40, 40, 40),
            width=width,
        )
        c.draw.ellipse(
            [
                seat_at[0] - s * 0.12,
                seat_at[1] - s * 0.12,
                seat_at[0] + s * 0.08,
                seat_at[1] - s * 0.06,
            ],
            fill=(40, 30, 30),
        )
        c.draw.line(
            [
                head_at,
                (head_at[0] + s * 0.02, head_at[1] - s * 0.1),
                (head_at[0] - s * 0.1, head_at[1] - s * 0.13),
            ],
            fill=(40, 40, 40),
            width=width,
        )
        c.draw.ellipse(
            [pedal[0] - s * 0.05, pedal[1] - s * 0.05, pedal[0] + s * 0.05, pedal[1] + s * 0.05],
            outline=(60, 60, 60),
            width=width,
        )
        c.shadow(cx, base + s * 0.02, s * 0.9, s * 0.04, 110)
    else:
        body = c.subject_color(
            rng.choice(((200, 40, 40), (40, 90, 180), (240, 190, 40), (230, 230, 235)))
        )
        c.shadow(cx, base, s * 0.95, s * 0.06, 150)
        mask, draw = c.mask()
        draw.rounded_rectangle(
            [cx - s * 0.9, base - s * 0.42, cx + s * 0.9, base - s * 0.1], radius=s * 0.12, fill=255
        )
        draw.polygon(
            [
                (cx - s * 0.5, base - s * 0.4),
                (cx - s * 0.3, base - s * 0.7),
                (cx + s * 0.3, base - s * 0.7),
                (cx + s * 0.55, base - s * 0.4),
            ],
            fill=255,
        )
        c.fill(mask, body)
        c.volume(mask, depth=0.04, strength=0.6)
        glass = (150, 190, 220) if not c.night else (40, 50, 70)
        c.draw.polygon(
            [
                (cx - s * 0.43, base - s * 0.42),
                (cx - s * 0.27, base - s * 0.64),
                (cx - s * 0.02, base - s * 0.64),
                (cx - s * 0.02, base - s * 0.42),
            ],
            fill=glass,
        )
        c.draw.polygon(
            [
                (cx + s * 0.03, base - s * 0.42),
                (cx + s * 0.03, base - s * 0.64),
                (cx + s * 0.27, base - s * 0.64),
                (cx + s * 0.46, base - s * 0.42),
            ],
            fill=glass,
        )
        c.draw.line(
            [(cx - s * 0.35, base - s * 0.6), (cx - s * 0.15, base - s * 0.5)],
            fill=(235, 245, 255),
            width=max(1, int(s * 0.02)),
        )
        c.draw.line(
            [(cx, base - s * 0.4), (cx, base - s * 0.12)],
            fill=_shade(body, 0.6),
            width=max(1, int(s * 0.01)),
        )
        c.draw.rectangle(
            [cx - s * 0.2, base - s * 0.32, cx - s * 0.1, base - s * 0.3], fill=(220, 220, 220)
        )
        c.draw.ellipse(
            [cx + s * 0.8, base - s * 0.35, cx + s * 0.9, base - s * 0.26], fill=(255, 245, 190)
        )
        c.draw.rectangle(
            [cx - s * 0.9, base - s * 0.34, cx - s * 0.84, base - s * 0.26], fill=(220, 40, 40)
        )
        if c.night:
            c.glow(cx + s * 1.1, base - s * 0.3, s * 0.2, (255, 240, 190), 160)
        for wx in (-0.55, 0.55):
            x = cx + wx * s
            c.draw.ellipse(
                [x - s * 0.17, base - s * 0.27, x + s * 0.17, base + s * 0.07], fill=(25, 25, 28)
            )
            c.draw.ellipse(
                [x - s * 0.09, base - s * 0.19, x + s * 0.09, base - s * 0.01], fill=(190, 190, 200)
            )
            c.draw.ellipse(
                [x - s * 0.03, base - s * 0.13, x + s * 0.03, base - s * 0.07], fill=(90, 90, 100)
            )
        for i in range(5):  # speed lines
            y = base - s * (0.15 + i * 0.12)
            c.draw.line(
                [(cx - s * 1.0 - s * 0.1 * i, y), (cx - s * (1.4 + 0.1 * i), y)],
                fill=(240, 240, 240),
                width=max(1, int(s * 0.012)),
            )


SETTING_SCENES: dict[str, Callable[[Canvas], None]] = {
    "city": scene_city,
    "sea": scene_sea,
    "mountain": scene_mountain,
    "forest": scene_forest,
    "flowers": scene_flowers,
    "space": scene_space,
    "abstract": scene_abstract,
}
SUBJECT_SCENES: dict[str, Callable[[Canvas], None]] = {
    "cat": subject_cat,
    "dog": subject_dog,
    "bird": subject_bird,
    "fish": subject_fish,
    "person": subject_person,
    "food": subject_food,
    "building": subject_building,
    "vehicle": subject_vehicle,
}
# Subjects that keep their own surroundings whatever setting the prompt names.
OWN_SURROUNDINGS = {"fish", "food"}


# ---------------------------------------------------------------------------------------------
# Styles: a rendering pass over the finished composition


def _noise(rng: random.Random, size: tuple[int, int], cells: int) -> Image.Image:
    """Smooth random blotches: a few random cells stretched over the picture."""
    small = Image.frombytes("L", (cells, cells), rng.randbytes(cells * cells))
    return small.resize(size, Image.Resampling.BICUBIC)


def _grain(
    rng: random.Random, size: tuple[int, int], tile: int = 128, blur: float = 0
) -> Image.Image:
    """Fine random grain, one random tile repeated."""
    piece = Image.frombytes("L", (tile, tile), rng.randbytes(tile * tile))
    if blur:
        piece = piece.filter(ImageFilter.GaussianBlur(blur))
    out = Image.new("L", size)
    for x in range(0, size[0], tile):
        for y in range(0, size[1], tile):
            out.paste(piece, (x, y))
    return out


def _remap(image: Image.Image, low: int, high: int) -> Image.Image:
    return image.point(lambda v: low + (high - low) * v // 255)


def _edges(image: Image.Image, threshold: int, thick: int = 1) -> Image.Image:
    """A mask of the outlines: where neighbouring pixels differ a lot, about `thick` pixels wide
    (found on the picture scaled down by that much, then scaled back up: smooth and fast)."""
    gray = image.convert("L")
    if thick > 1:
        gray = gray.resize(
            (max(1, image.width // thick), max(1, image.height // thick)), Image.Resampling.BOX
        )
    edges = gray.filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > threshold else 0)
    if thick > 1:
        edges = edges.resize(image.size, Image.Resampling.BILINEAR).point(
            lambda v: 255 if v > 90 else 0
        )
    return edges


def _paper(size: tuple[int, int], rng: random.Random, color: RGB = (246, 240, 226)) -> Image.Image:
    paper = Image.new("RGB", size, color)
    grain = _remap(_grain(rng, size, blur=0.8), 225, 255)
    return ImageChops.multiply(paper, Image.merge("RGB", (grain, grain, grain)))


def style_watercolor(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """Soft washes: colours bleed past their edges, pigment pools darker at the rims, blotchy
    lightness, white paper grain showing through."""
    size = img.size
    small = img.resize((size[0] // 4, size[1] // 4), Image.Resampling.BOX)
    bleed = small.filter(ImageFilter.GaussianBlur(u / 4 * 0.012)).resize(
        size, Image.Resampling.BILINEAR
    )
    soft = img.filter(ImageFilter.BoxBlur(u * 0.0015))
    wash = Image.blend(soft, bleed, 0.3)
    rims = _edges(small.filter(ImageFilter.GaussianBlur(1)), 10).filter(
        ImageFilter.GaussianBlur(1.2)
    )
    rims = rims.resize(size, Image.Resampling.BILINEAR).point(lambda v: 255 - v * 55 // 100)
    wash = ImageChops.multiply(wash, Image.merge("RGB", (rims, rims, rims)))
    wash = Image.blend(wash, Image.new("RGB", size, (250, 247, 240)), 0.25)
    blotch = _remap(_noise(rng, size, 7), 222, 255)
    wash = ImageChops.multiply(wash, Image.merge("RGB", (blotch, blotch, blotch)))
    wash = ImageChops.screen(wash, Image.merge("RGB", [_remap(_noise(rng, size, 20), 0, 40)] * 3))
    return ImageChops.multiply(wash, _paper(size, rng, (255, 252, 245)))


def style_oil(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """Brush strokes: thousands of short thick strokes in the picture's colours, following a
    flowing direction, with the relief of the paint catching the light."""
    size = img.size
    under = img.filter(ImageFilter.BoxBlur(u * 0.003))
    sample = img.resize((max(1, size[0] // 4), max(1, size[1] // 4)), Image.Resampling.BOX)
    pixels = sample.load()
    draw = ImageDraw.Draw(under)
    strokes = int(size[0] * size[1] / (u * u) * 5000)
    length, width = u * 0.016, max(1, int(u * 0.007))
    sw, sh = sample.size
    for _ in range(strokes):
        x, y = rng.random() * size[0], rng.random() * size[1]
        color = pixels[min(sw - 1, int(x / 4)), min(sh - 1, int(y / 4))]
        angle = math.sin(x / u * 5) + math.cos(y / u * 4) + rng.uniform(-0.4, 0.4)
        dx, dy = math.cos(angle) * length, math.sin(angle) * length
        f = rng.uniform(0.92, 1.1)
        draw.line([(x - dx, y - dy), (x + dx, y + dy)], fill=_shade(color, f), width=width)
    relief = under.convert("L").filter(ImageFilter.EMBOSS)
    out = ImageChops.soft_light(under, Image.merge("RGB", (relief, relief, relief)))
    return ImageEnhance.Color(out).enhance(1.15)


def style_woodblock(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """Flat colour areas from a small set of inks, thick dark key-block outlines, muted colours on
    cream paper with the wood grain showing."""
    size = img.size
    vivid = ImageEnhance.Color(img.filter(ImageFilter.BoxBlur(u * 0.002))).enhance(1.25)
    flat = vivid.quantize(10, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).convert("RGB")
    paper = _paper(size, rng, (240, 228, 200))
    grain = _remap(_noise(rng, (8, 256), 8).resize(size, Image.Resampling.BICUBIC), 220, 255)
    out = ImageChops.multiply(flat, paper)
    out = ImageChops.multiply(out, Image.merge("RGB", (grain, grain, grain)))
    out = Image.blend(out, paper, 0.08)
    lines = _edges(flat, 30, max(3, u // 250))
    out.paste((30, 28, 40), mask=lines)
    return out


def style_anime(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """Cel shading: bright saturated flat tones in steps, thin clean outlines, a soft bloom."""
    size = img.size
    bright = ImageEnhance.Color(img).enhance(1.45)
    bright = ImageEnhance.Brightness(bright).enhance(1.08)
    cel = bright.quantize(20, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).convert("RGB")
    small = cel.resize((size[0] // 4, size[1] // 4), Image.Resampling.BOX)
    bloom = small.point(lambda v: max(0, v - 150) * 2).filter(
        ImageFilter.GaussianBlur(u / 4 * 0.02)
    )
    out = ImageChops.screen(cel, bloom.resize(size, Image.Resampling.BILINEAR))
    out.paste((35, 30, 50), mask=_edges(img, 40, max(1, u // 500)))
    return out


def style_photo(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """A photograph: a little lens softness, a film tone curve, a vignette and fine grain."""
    size = img.size
    out = img.filter(ImageFilter.BoxBlur(u * 0.0015))
    curve = [round(255 / (1 + math.exp(-(v - 128) / 42))) for v in range(256)]
    low, high = curve[0], curve[255]
    curve = [round((v - low) * 255 / (high - low)) for v in curve]
    out = out.point(curve * 3)
    out = ImageEnhance.Color(out).enhance(0.9)
    vignette = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(vignette).ellipse([-8, -8, 72, 72], fill=255)
    vignette = vignette.filter(ImageFilter.GaussianBlur(10)).resize(size, Image.Resampling.BICUBIC)
    vignette = _remap(vignette, 120, 255)
    out = ImageChops.multiply(out, Image.merge("RGB", (vignette, vignette, vignette)))
    grain = _remap(_grain(rng, size), 108, 148)
    out = ImageChops.overlay(out, Image.merge("RGB", (grain, grain, grain)))
    warm = Image.new("RGB", size, (255, 236, 210))
    return Image.blend(out, ImageChops.multiply(out, warm), 0.5)


def style_pixel(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """Pixel art: a coarse grid of square cells in a small palette of colours."""
    block = max(2, u // 64)
    cols, rows = -(-img.width // block), -(-img.height // block)
    small = img.resize((cols, rows), Image.Resampling.BOX)
    small = ImageEnhance.Color(small).enhance(1.2)
    small = small.quantize(24, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).convert("RGB")
    big = small.resize((cols * block, rows * block), Image.Resampling.NEAREST)
    return big.crop((0, 0, img.width, img.height))


def style_line(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """A pen drawing: only the outlines, dark on paper, with light hatching in the shadows."""
    size = img.size
    smooth = img.filter(ImageFilter.BoxBlur(u * 0.0012))
    lines = _edges(smooth, 14, max(1, u // 450))
    paper = _paper(size, rng)
    gray = img.convert("L").resize((size[0] // 4, size[1] // 4), Image.Resampling.BOX)
    shadow = gray.point(lambda v: 160 if v < 60 else (90 if v < 100 else 0)).resize(
        size, Image.Resampling.NEAREST
    )
    hatch = Image.new("L", size, 0)
    draw = ImageDraw.Draw(hatch)
    step = max(4, u // 60)
    for k in range(-size[1], size[0], step):
        draw.line([(k, size[1]), (k + size[1], 0)], fill=255, width=max(1, u // 700))
    hatch = ImageChops.multiply(hatch, shadow)
    paper.paste((90, 90, 100), mask=hatch)
    paper.paste((40, 40, 50), mask=lines)
    return paper


def style_3d(img: Image.Image, rng: random.Random, u: int) -> Image.Image:
    """A 3D render: shapes bevelled like smooth plastic (lit from the upper left), soft ambient
    shadow in the creases, saturated colour and a bloom around the lights."""
    size = img.size
    small_size = (max(1, size[0] // 4), max(1, size[1] // 4))
    gray = img.convert("L").resize(small_size, Image.Resampling.BOX)
    height = gray.filter(ImageFilter.GaussianBlur(max(1, u / 4 * 0.012)))
    shift = max(1, round(u / 4 * 0.006))
    # Slope toward the light: brighter where the surface rises toward the upper left.
    padded = _pad_edges(height, shift)
    behind = padded.crop((0, 0, height.width, height.height))
    slope = ImageChops.subtract(height, behind, scale=0.3, offset=128)
    slope = slope.filter(ImageFilter.GaussianBlur(1)).resize(size, Image.Resampling.BILINEAR)
    crease = _edges(gray, 20).filter(ImageFilter.GaussianBlur(max(1, u / 4 * 0.01)))
    crease = crease.resize(size, Image.Resampling.BILINEAR).point(
        lambda v: 255 - min(255, v * 2) * 35 // 100
    )
    smooth = img.filter(ImageFilter.BoxBlur(u * 0.0015))
    out = ImageChops.overlay(smooth, Image.merge("RGB", (slope, slope, slope)))
    out = ImageChops.multiply(out, Image.merge("RGB", (crease, crease, crease)))
    out = ImageEnhance.Contrast(ImageEnhance.Color(out).enhance(1.25)).enhance(1.05)
    bloom = out.resize(small_size, Image.Resampling.BOX).point(lambda v: max(0, v - 170) * 2)
    bloom = bloom.filter(ImageFilter.GaussianBlur(u / 4 * 0.015)).resize(
        size, Image.Resampling.BILINEAR
    )
    return ImageChops.screen(out, bloom)


STYLE_PASSES: dict[str, Callable[[Image.Image, random.Random, int], Image.Image]] = {
    "watercolor": style_watercolor,
    "oil": style_oil,
    "woodblock": style_woodblock,
    "anime": style_anime,
    "photo": style_photo,
    "pixel": style_pixel,
    "line": style_line,
    "3d": style_3d,
}


def _seed(*parts: object) -> int:
    text = "\x1f".join(str(part) for part in parts)
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


def paint(prompt: str, width: int, height: int, style: str = "", variant: int = 0) -> Image.Image:
    """A picture of what the prompt names, in the style asked for (a `STYLES` key or label; when
    empty, a style the prompt's words ask for, else none). Deterministic for the same arguments;
    another `variant` (a variation, a regeneration) arranges the same subject differently."""
    width, height = max(1, int(width)), max(1, int(height))
    key = detect_style(prompt, style)
    # The composition depends on the prompt and the size only, so styles render the same scene;
    # variant 0 keeps the seed it always had, so existing pictures stay byte for byte the same.
    parts = (prompt, width, height, variant) if variant else (prompt, width, height)
    rng = random.Random(_seed(*parts))
    # Tiny pictures are painted at a workable size and scaled down.
    work_w, work_h = width, height
    if min(width, height) < 128:
        factor = 128 / min(width, height)
        work_w, work_h = round(width * factor), round(height * factor)
    canvas = Canvas(prompt, work_w, work_h, rng)
    family = detect_family(prompt)
    if family in SUBJECT_SCENES:
        setting = detect_setting(prompt)
        if setting and family not in OWN_SURROUNDINGS:
            SETTING_SCENES[setting](canvas)
            canvas.backdrop = True
        SUBJECT_SCENES[family](canvas)
    elif family in SETTING_SCENES:
        SETTING_SCENES[family](canvas)
    else:
        scene_landscape(canvas)
    image = canvas.img
    if key in STYLE_PASSES:
        image = STYLE_PASSES[key](
            image, random.Random(_seed("style", prompt, key, width, height)), canvas.u
        )
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image
