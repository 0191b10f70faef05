"""The offline painter paints what the prompt names, in the style asked for, the same every time."""

import io
import itertools

import pytest
from PIL import Image, ImageChops, ImageStat

from dalle.painter import STYLES, detect_family, detect_style, paint
from dalle.providers import OfflineProvider

ENGLISH = {
    "cat": "a cat sitting by the window",
    "dog": "a happy dog in the park",
    "bird": "a little bird on a branch",
    "fish": "a fish swimming",
    "person": "portrait of a girl",
    "city": "a city street at night",
    "sea": "a boat in the harbour by the sea",
    "mountain": "mountains",
    "forest": "a quiet forest",
    "flowers": "a garden full of flowers",
    "space": "planets and stars in space",
    "food": "a bowl of ramen",
    "building": "an old temple",
    "vehicle": "a red car",
}
KOREAN = {
    "cat": "창가에 앉은 고양이",
    "dog": "공원의 행복한 강아지",
    "bird": "나뭇가지 위의 작은 새",
    "fish": "헤엄치는 물고기",
    "person": "소녀의 초상화",
    "city": "밤의 도시 거리",
    "sea": "바다 항구의 배",
    "mountain": "높은 산",
    "forest": "조용한 숲",
    "flowers": "꽃이 가득한 정원",
    "space": "우주의 별과 행성",
    "food": "라면 한 그릇",
    "building": "오래된 절",
    "vehicle": "빨간 자동차",
}


@pytest.fixture(scope="module")
def english():
    return {family: paint(prompt, 256, 256) for family, prompt in ENGLISH.items()}


def small(image: Image.Image, size: int = 32, mode: str = "RGB") -> Image.Image:
    return image.convert(mode).resize((size, size), Image.Resampling.BOX)


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0 (same) to 255."""
    means = ImageStat.Stat(ImageChops.difference(a, b)).mean
    return sum(means) / len(means)


def test_each_family_is_recognised_in_english_and_korean():
    """Both prompts of a pair land on the family they name."""
    for family in ENGLISH:
        assert detect_family(ENGLISH[family]) == family
        assert detect_family(KOREAN[family]) == family


def test_family_words_do_not_match_inside_other_words():
    """Short words are matched as words: 새벽, 배경, 안개, 감성, 특별 and 'category' name nothing."""
    for prompt in (
        "새벽 안개",
        "배경이 예쁜 그림",
        "감성적인 풍경",
        "특별한 하루",
        "a category",
        "start",
    ):
        assert detect_family(prompt) == ""
    assert detect_family("a cat in the forest") == "cat"
    assert detect_family("숲 속의 고양이") == "cat"
    assert detect_family("고양이와 강아지") == "cat"


def test_fourteen_subjects_give_clearly_different_pictures(english):
    """Every pair of family pictures differs a lot, even scaled down to 32 px."""
    for (a, first), (b, second) in itertools.combinations(english.items(), 2):
        assert difference(small(first), small(second)) > 20, (a, b)


def test_korean_prompt_paints_the_same_composition_as_its_english_twin(english):
    """Scaled down to a 16 px grey thumbnail, a Korean picture is nearest to its English twin."""
    for family, prompt in KOREAN.items():
        korean = small(paint(prompt, 256, 256), 16, "L")
        distances = {
            other: difference(korean, small(image, 16, "L")) for other, image in english.items()
        }
        assert min(distances, key=distances.get) == family


def test_a_prompt_without_a_subject_still_paints_a_landscape():
    """A prompt that names nothing gets a picture: a sky over the land, lighter at the top."""
    image = paint("something quiet and lovely", 128, 128)
    assert detect_family("something quiet and lovely") == ""
    top = ImageStat.Stat(image.crop((0, 0, 128, 40)).convert("L")).mean[0]
    bottom = ImageStat.Stat(image.crop((0, 100, 128, 128)).convert("L")).mean[0]
    assert top > bottom


def test_colour_words_colour_the_subject():
    """A red car has a red body, a blue car a blue one (English and Korean colour words)."""
    for red, blue in (("a red car", "a blue car"), ("빨간 자동차", "파란 자동차")):
        r, _, b = ImageStat.Stat(paint(red, 256, 256).crop((60, 120, 196, 190))).mean
        assert r > b + 30
        r, _, b = ImageStat.Stat(paint(blue, 256, 256).crop((60, 120, 196, 190))).mean
        assert b > r + 30


def test_the_same_prompt_style_and_size_give_the_same_bytes():
    """Painting is deterministic, for every style; another prompt paints another picture."""
    for style in STYLES:
        first = paint("a cat by the window", 192, 192, style).tobytes()
        assert paint("a cat by the window", 192, 192, style).tobytes() == first
    assert (
        paint("a cat by the window", 192, 192).tobytes()
        != paint("a cat on a rug", 192, 192).tobytes()
    )


def test_every_style_changes_the_pixels():
    """Each style renders the scene visibly differently from no style and from each other."""
    plain = paint("a city street at night", 256, 256, "none")
    styled = {
        style: paint("a city street at night", 256, 256, style)
        for style in STYLES
        if style != "none"
    }
    for style, image in styled.items():
        assert difference(plain, image) > 4, style
    for (a, first), (b, second) in itertools.combinations(styled.items(), 2):
        assert difference(first, second) > 4, (a, b)


def test_pixel_art_is_made_of_square_blocks():
    """At 512 px every 8 px cell of pixel art is one colour, and neighbouring cells differ."""
    image = paint("a cat sitting by the window", 512, 512, "pixel")
    for x, y in itertools.product(range(0, 512, 64), range(0, 512, 64)):
        assert len(image.crop((x, y, x + 8, y + 8)).getcolors()) == 1
    cells = image.resize((64, 64), Image.Resampling.NEAREST)
    assert len(cells.getcolors(4096)) > 8


def test_line_drawing_is_dark_lines_on_light_paper():
    """A line drawing is mostly light, with some dark outline pixels."""
    for prompt in ("a cat sitting by the window", "a city street at night"):
        gray = paint(prompt, 512, 512, "line").convert("L")
        histogram = gray.histogram()
        total = sum(histogram)
        assert sum(histogram[180:]) / total > 0.8
        assert sum(histogram[:100]) / total > 0.01


def test_style_is_found_from_a_key_a_label_or_the_prompt():
    """The style parameter takes keys and labels; without one, the prompt's words may ask for one."""
    assert detect_style("a cat", "watercolor") == "watercolor"
    assert detect_style("a cat", "Oil painting") == "oil"
    assert detect_style("a cat", "unknown") == "none"
    assert detect_style("고양이, 수채화") == "watercolor"
    assert detect_style("a cat, pixel art") == "pixel"
    assert detect_style("a cat") == "none"
    assert {
        "none",
        "watercolor",
        "oil",
        "woodblock",
        "anime",
        "photo",
        "pixel",
        "line",
        "3d",
    } <= set(STYLES)


@pytest.mark.parametrize("size", [(1024, 1024), (1536, 1024), (1024, 1536), (64, 64), (300, 200)])
def test_every_aspect_ratio_paints_at_its_size(size):
    """Square, landscape, portrait and tiny sizes all come out at the size asked for."""
    image = paint("a boat in the harbour by the sea", *size)
    assert image.size == size
    assert image.mode == "RGB"


def test_offline_provider_passes_the_style_through():
    """The provider's PNG is the painter's picture, in the style given."""
    provider = OfflineProvider()
    plain = provider.generate(prompt="a red car", size="256x256", user_ref="u1")
    pixel = provider.generate(prompt="a red car", size="256x256", user_ref="u1", style="pixel")
    assert plain.png != pixel.png
    with Image.open(io.BytesIO(pixel.png)) as image:
        assert image.tobytes() == paint("a red car", 256, 256, "pixel").tobytes()
