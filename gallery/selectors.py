"""What the gallery shows: cards of public images, the newest, today's and this week's top,
and creators. Every list costs the same few queries however many images there are."""

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from dalle.models import GeneratedImage
from dalle.selectors import public_images
from gallery.models import Like
from lib.pagination import MAX_PAGE, Page, page_of
from products.models import Format
from products.selectors import prompt_words_match

User = get_user_model()

PAGE_SIZE = 24
TOP = 5
HOME_NEWEST = 10
NEWEST, TODAY, WEEK = "new", "today", "week"
TABS = {NEWEST: "Newest", TODAY: "Today’s top", WEEK: "This week’s top"}
PUBLIC_IMAGE = Q(image__visibility=GeneratedImage.Visibility.PUBLIC) & Q(
    image__status=GeneratedImage.Status.SUCCEEDED
)


@dataclass(frozen=True)
class Card:
    """One public image as a card: the picture, who made it, its likes, and its price."""

    image: GeneratedImage
    likes: int
    liked: bool
    from_price: Decimal | None
    product_url: str
    window_likes: int | None = None

    @property
    def creator(self):
        return self.image.owner


@dataclass(frozen=True)
class Window:
    """A span of local time that top fives count likes in: [start, end)."""

    start: datetime
    end: datetime


def day_window(now: datetime | None = None) -> Window:
    """Today in the site's time zone, from midnight to midnight."""
    today = timezone.localdate(now or timezone.now())
    zone = timezone.get_current_timezone()
    return Window(
        start=datetime.combine(today, time.min, tzinfo=zone),
        end=datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone),
    )


def week_window(now: datetime | None = None) -> Window:
    """This week in the site's time zone, from Monday's midnight to the next Monday's."""
    today = timezone.localdate(now or timezone.now())
    monday = today - timedelta(days=today.weekday())
    zone = timezone.get_current_timezone()
    return Window(
        start=datetime.combine(monday, time.min, tzinfo=zone),
        end=datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone),
    )


def _card_rows() -> QuerySet[GeneratedImage]:
    """Public images with what a card shows, their likes counted in the same query."""
    likes = (
        Like.objects.filter(image=OuterRef("pk"))
        .order_by()
        .values("image")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        public_images()
        .select_related("owner", "product")
        .annotate(like_total=Coalesce(Subquery(likes), 0))
    )


def _lowest_price(image: GeneratedImage, formats: list[Format]) -> Decimal | None:
    prices = [fmt.price for fmt in formats if not fmt.unsuitable_reason(image)]
    return min(prices, default=None)


def _cards(rows: list[GeneratedImage], *, viewer, window: dict[int, int] | None = None):
    """Cards for rows of `_card_rows()`: one query for the viewer's likes, one for prices."""
    if not rows:
        return []
    liked = set()
    if viewer.is_authenticated:
        liked = set(
            Like.objects.filter(user=viewer, image__in=[row.pk for row in rows]).values_list(
                "image_id", flat=True
            )
        )
    formats = list(Format.objects.filter(active=True))
    cards = []
    for image in rows:
        product = getattr(image, "product", None)
        for_sale = product is not None and product.is_listed
        cards.append(
            Card(
                image=image,
                likes=image.like_total,
                liked=image.pk in liked,
                from_price=_lowest_price(image, formats) if for_sale else None,
                product_url=product.get_absolute_url() if for_sale else "",
                window_likes=window.get(image.pk) if window is not None else None,
            )
        )
    return cards


def cards_for(*, ids: list[int], viewer, window: dict[int, int] | None = None) -> list[Card]:
    """Cards of these public images, in this order (an image no longer public is left out)."""
    if not ids:
        return []
    rows = {row.pk: row for row in _card_rows().filter(pk__in=ids)}
    return _cards([rows[pk] for pk in ids if pk in rows], viewer=viewer, window=window)


def _top_likes(window: Window, query: str = ""):
    """Public images by the number of likes given in the window, most first."""
    likes = Like.objects.filter(
        PUBLIC_IMAGE, created_at__gte=window.start, created_at__lt=window.end
    )
    match = prompt_words_match(query, product="image__product__", prompt="image__prompt")
    if match is not None:
        likes = likes.filter(match)
    return (
        likes.values("image_id")
        .annotate(window_likes=Count("pk"))
        .order_by("-window_likes", "-image_id")
        .values_list("image_id", "window_likes")
    )


def top_ids(*, window: Window, limit: int = TOP, offset: int = 0, query: str = ""):
    """[(image id, likes in the window)] for the window's most liked public images."""
    return list(_top_likes(window, query)[offset : offset + limit])


def _page_number(number) -> int:
    try:
        return min(max(int(number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def explore_page(*, tab: str, query: str, number, viewer, now: datetime | None = None) -> Page:
    """One page of Explore: the newest public images, or the top of today or this week."""
    if tab not in (TODAY, WEEK):
        rows = _card_rows()
        match = prompt_words_match(query, product="product__", prompt="prompt")
        if match is not None:
            rows = rows.filter(match)
        page = page_of(rows, number, PAGE_SIZE)
        return replace(page, object_list=_cards(page.object_list, viewer=viewer))
    number = _page_number(number)
    window = day_window(now) if tab == TODAY else week_window(now)
    ranked = top_ids(
        window=window, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE, query=query
    )
    counts = dict(ranked[:PAGE_SIZE])
    cards = cards_for(ids=list(counts), viewer=viewer, window=counts)
    return Page(object_list=cards, number=number, has_next=len(ranked) > PAGE_SIZE)


@dataclass(frozen=True)
class HomeSections:
    today: list[Card]
    week: list[Card]
    newest: list[Card]


def home_sections(*, viewer, now: datetime | None = None) -> HomeSections:
    """Today's top five, this week's top five and the newest: all their cards in one go."""
    today = dict(top_ids(window=day_window(now)))
    week = dict(top_ids(window=week_window(now)))
    newest = list(public_images().values_list("pk", flat=True)[:HOME_NEWEST])
    ids = list(dict.fromkeys([*today, *week, *newest]))
    rows = {row.pk: row for row in _card_rows().filter(pk__in=ids)} if ids else {}
    cards = {card.image.pk: card for card in _cards(list(rows.values()), viewer=viewer)}

    def section(order, window=None) -> list[Card]:
        return [
            replace(cards[pk], window_likes=window[pk] if window else None)
            for pk in order
            if pk in cards
        ]

    return HomeSections(
        today=section(today, today), week=section(week, week), newest=section(newest)
    )


@dataclass(frozen=True)
class Creator:
    user: User
    images: int
    likes: int


def creator_of(*, username: str) -> Creator:
    """A creator by user name, with how many public images they have and the likes on them."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Http404("No such creator")
    totals = (
        public_images()
        .filter(owner=user)
        .aggregate(images=Count("pk", distinct=True), likes=Count("likes"))
    )
    return Creator(user=user, images=totals["images"], likes=totals["likes"])


def creator_page(*, creator: User, number, viewer) -> Page:
    page = page_of(_card_rows().filter(owner=creator), number, PAGE_SIZE)
    return replace(page, object_list=_cards(page.object_list, viewer=viewer))


@dataclass(frozen=True)
class ImageSocial:
    """What an image's page shows around it: its likes, the viewer's, its remix lineage."""

    likes: int
    liked: bool
    remixes: int
    remixed_from: GeneratedImage | None  # the public original; None when there is none
    remixed_from_private: bool  # it was remixed from an image that is no longer public


def image_social(*, image: GeneratedImage, viewer) -> ImageSocial:
    """In one query: the likes, whether the viewer liked it, and how often it was remixed."""
    likes = Like.objects.filter(image=OuterRef("pk")).order_by()
    remixes = GeneratedImage.objects.filter(
        remix_of=OuterRef("pk"), status=GeneratedImage.Status.SUCCEEDED
    ).order_by()
    liked = Exists(likes.filter(user=viewer.pk)) if viewer.is_authenticated else Value(False)
    row = (
        GeneratedImage.objects.filter(pk=image.pk)
        .annotate(
            like_total=Coalesce(
                Subquery(likes.values("image").annotate(n=Count("pk")).values("n")), 0
            ),
            remix_total=Coalesce(
                Subquery(remixes.values("remix_of").annotate(n=Count("pk")).values("n")), 0
            ),
            viewer_liked=liked,
        )
        .values("like_total", "remix_total", "viewer_liked")
        .first()
    ) or {}
    original = image.remix_of if image.remix_of_id else None
    public_original = original if original is not None and original.is_public else None
    return ImageSocial(
        likes=row.get("like_total", 0),
        liked=bool(row.get("viewer_liked")),
        remixes=row.get("remix_total", 0),
        remixed_from=public_original,
        remixed_from_private=original is not None and public_original is None,
    )
