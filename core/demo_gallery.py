"""A gallery that is alive on the first visit: three demo creators, two dozen public artworks
painted by the offline painter, a few remixes and likes, all of them for sale in the shop.

`demo_gallery_ensure()` runs from `manage.py ensure_demo_data` (so from `make run`) when
DEMO_GALLERY is on. It is idempotent: every artwork is found again by its creator and prompt,
and only what is missing is painted, shared or liked. Images go through the real path: the
generation service queues them, the worker's runner paints them here and now, the shop's
publish service shares them.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dalle import services as dalle_services
from dalle.models import GeneratedImage
from dalle.runner import generation_run
from gallery.models import Like
from products import services as product_services

User = get_user_model()
DEMO_DOMAIN = "demo.aigallery.local"
SQUARE, LANDSCAPE, PORTRAIT = "1024x1024", "1536x1024", "1024x1536"


@dataclass(frozen=True)
class DemoCreator:
    username: str
    display_name: str
    bio: str


CREATORS = [
    DemoCreator("mina", "Mina Park", "I paint the sea and the light on it, mostly in watercolour."),
    DemoCreator("jun", "Jun Seo", "City nights, neon and rain. Seoul is my sketchbook."),
    DemoCreator(
        "aurora", "Aurora Lind", "Animals, gardens and the odd planet. Pixel art on Sundays."
    ),
]
# People who only look and like, so that the top fives have something to count.
FANS = [f"demo-fan-{n}" for n in range(1, 7)]


@dataclass(frozen=True)
class DemoArt:
    creator: str
    prompt: str
    style: str = ""
    size: str = SQUARE
    remix_of: str = ""  # the prompt of the artwork this one remixes


ARTWORKS = [
    DemoArt("mina", "A lighthouse on a cliff above a stormy sea at dawn", "watercolor", LANDSCAPE),
    DemoArt("mina", "A small red boat in a quiet harbour at sunset", "oil"),
    DemoArt("mina", "Koi fish under lotus leaves in a green pond", "woodblock"),
    DemoArt("mina", "Snowy mountains above a still blue lake", "photo", LANDSCAPE),
    DemoArt("mina", "푸른 바다 위의 등대와 갈매기", "watercolor"),
    DemoArt("mina", "A garden of tulips and roses in spring", "oil", PORTRAIT),
    DemoArt("mina", "A mountain monastery above the clouds", "line", PORTRAIT),
    DemoArt("mina", "A portrait of an old fisherman with a grey beard", "oil", PORTRAIT),
    DemoArt("jun", "A neon alley in Seoul at night in the rain", "anime", PORTRAIT),
    DemoArt("jun", "A city skyline at night with a full moon", "photo", LANDSCAPE),
    DemoArt("jun", "A yellow taxi on a wet street at night", "3d"),
    DemoArt("jun", "A bowl of ramen with an egg and green onions", "photo"),
    DemoArt("jun", "한옥 마을의 오래된 절, 가을 단풍", "woodblock", LANDSCAPE),
    DemoArt("jun", "A girl with an umbrella in the city rain", "anime", PORTRAIT),
    DemoArt("jun", "Abstract shapes in orange and teal", "3d"),
    DemoArt("jun", "A vintage train crossing a bridge in the mountains", "pixel", LANDSCAPE),
    DemoArt("aurora", "A ginger cat asleep on a pile of old books", "watercolor"),
    DemoArt("aurora", "A fox in a snowy forest at dusk", "pixel"),
    DemoArt("aurora", "An owl on a branch under the stars", "line"),
    DemoArt("aurora", "Saturn and its moons over a purple nebula", "3d", LANDSCAPE),
    DemoArt("aurora", "A corgi puppy playing in a field of flowers", "anime"),
    DemoArt("aurora", "A strawberry cake on a blue plate", "pixel"),
    DemoArt("aurora", "숲속의 작은 사슴과 반딧불", "watercolor", PORTRAIT),
    DemoArt("aurora", "A hot air balloon over green hills", "oil", LANDSCAPE),
    # Remixes: someone took another creator's prompt and made it their own.
    DemoArt(
        "jun",
        "A lighthouse on a cliff above a stormy sea at night, neon",
        "anime",
        LANDSCAPE,
        remix_of="A lighthouse on a cliff above a stormy sea at dawn",
    ),
    DemoArt(
        "aurora",
        "A ginger cat asleep on a pile of old books, pixel art",
        "pixel",
        remix_of="A ginger cat asleep on a pile of old books",
    ),
    DemoArt(
        "mina",
        "A neon alley in Seoul at night in the rain, watercolour",
        "watercolor",
        PORTRAIT,
        remix_of="A neon alley in Seoul at night in the rain",
    ),
]


def demo_gallery_ensure(*, log=print) -> dict[str, int]:
    """Make whatever part of the demo gallery is missing; returns what it made."""
    made = {"creators": 0, "artworks": 0, "likes": 0}
    creators = {}
    for spec in CREATORS:
        creators[spec.username], created = _demo_user(
            spec.username, display_name=spec.display_name, bio=spec.bio
        )
        made["creators"] += created
    fans = [_demo_user(name, display_name="", bio="")[0] for name in FANS]
    by_prompt: dict[str, GeneratedImage] = {}
    for art in ARTWORKS:
        owner = creators.get(art.creator)
        if owner is None:
            continue
        image, painted = _artwork(owner, art, by_prompt)
        if image is not None:
            by_prompt[art.prompt] = image
            made["artworks"] += painted
            if painted:
                log(f"  painted “{art.prompt}” by {owner.public_name}")
    made["likes"] = _likes(list(by_prompt.values()), [*creators.values(), *fans])
    return made


def _demo_user(username: str, *, display_name: str, bio: str):
    """A demo account that nobody can log in to; None when a real account has the name."""
    email = f"{username}@{DEMO_DOMAIN}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return (user if user.email == email else None), False
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        bio=bio,
        email_verified_at=timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    return user, True


def _artwork(owner, art: DemoArt, by_prompt: dict) -> tuple[GeneratedImage | None, bool]:
    """The demo artwork, painted and shared if it is not yet; (image, whether it was painted)."""
    image = GeneratedImage.objects.filter(
        owner=owner, prompt=art.prompt, status=GeneratedImage.Status.SUCCEEDED
    ).first()
    painted = image is None
    if image is None:
        original = by_prompt.get(art.remix_of) if art.remix_of else None
        queued = dalle_services.generation_request(
            user=owner, prompt=art.prompt, size=art.size, style=art.style, remix_of=original
        )
        generation_run(image_id=queued.pk)  # here and now; the queued task then finds it done
        image = GeneratedImage.objects.get(pk=queued.pk)
        if image.status != GeneratedImage.Status.SUCCEEDED:
            return None, False
    if not image.is_public and image.hidden_at is None:
        product_services.image_publish(image=image, public=True)
    return image, painted


def _likes(images: list[GeneratedImage], people: list) -> int:
    """Likes spread so that the top fives differ: some today, some this week, some older."""
    rng = random.Random(20270101)  # the same demo likes on every machine
    now = timezone.now()
    made = 0
    for image in images:
        likers = [person for person in people if person and person.pk != image.owner_id]
        for person in rng.sample(likers, k=min(len(likers), rng.randint(0, 8))):
            when = rng.choice(
                [
                    now - timedelta(minutes=rng.randint(1, 50)),  # today (almost always)
                    now - timedelta(hours=rng.randint(25, 90)),  # earlier this week, mostly
                    now - timedelta(days=rng.randint(9, 40)),  # long ago
                ]
            )
            _, created = Like.objects.get_or_create(
                user=person, image=image, defaults={"created_at": when}
            )
            made += created
    return made
