"""Explore, the home page and creators' pages: what they list, in which order, at what cost."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dalle.models import GeneratedImage
from gallery import selectors
from gallery.models import Like
from tests.dalle.factories import ImageFactory
from tests.factories import UserFactory
from tests.gallery.factories import LikeFactory, bulk_public_images
from tests.products.factories import FormatFactory, PrintFormatFactory, ProductFactory

pytestmark = pytest.mark.django_db

Public = GeneratedImage.Visibility.PUBLIC


def explore(client, **params) -> str:
    return client.get(reverse("explore"), params).content.decode()


def test_explore_lists_public_images_newest_first_with_creator_likes_and_price(client):
    """Cards show the picture, the creator, the like count and the lowest price on sale."""
    FormatFactory(price=Decimal("5.00"))
    PrintFormatFactory(price=Decimal("24.00"))
    FormatFactory(name="Retired", price=Decimal("1.00"), active=False)
    creator = UserFactory(username="mina", display_name="Mina Park")
    older = ProductFactory(image__prompt="An older lighthouse", image__owner=creator)
    newer = ProductFactory(image__prompt="A newer harbour")
    LikeFactory.create_batch(3, image=older.image)
    ImageFactory(prompt="A secret garden")  # private
    ImageFactory(prompt="A failed one", visibility=Public, status=GeneratedImage.Status.FAILED)

    page = explore(client)
    assert page.index("A newer harbour") < page.index("An older lighthouse")
    assert "A secret garden" not in page and "A failed one" not in page
    assert '<a class="art-card-creator" href="/@mina/">Mina Park</a>' in page
    assert '♥</span> 3<span class="visually-hidden"> likes' in page
    assert "from $5.00" in page and "from $1.00" not in page
    assert older.image.thumbnail.url in page and older.get_absolute_url() in page
    assert newer.image.get_absolute_url() in page


def test_a_public_image_not_on_sale_has_no_price(client):
    """Without a listed product the card says nothing about a price."""
    FormatFactory()
    ImageFactory(prompt="Shared, not sold", visibility=Public)
    page = explore(client)
    assert "Shared, not sold" in page
    assert "from $" not in page


def test_today_and_week_tabs_rank_by_likes_given_in_that_window(client):
    """Today's top counts today's likes; this week's top counts the week's, most first."""
    now = timezone.now()
    old_favourite = ImageFactory(prompt="Liked long ago", visibility=Public)
    LikeFactory.create_batch(5, image=old_favourite, created_at=now - timedelta(days=30))
    todays = ImageFactory(prompt="Today's darling", visibility=Public)
    LikeFactory.create_batch(2, image=todays)
    runner_up = ImageFactory(prompt="Runner up", visibility=Public)
    LikeFactory(image=runner_up)

    page = explore(client, tab="today")
    assert page.index("Today&#x27;s darling") < page.index("Runner up")
    assert "Liked long ago" not in page
    assert "+2 today" in page
    assert 'aria-current="page">Today’s top' in page
    week = explore(client, tab="week")
    assert "Today&#x27;s darling" in week and "Liked long ago" not in week
    assert "Liked long ago" in explore(client)  # the newest tab shows everything


def test_search_finds_prompt_words_in_every_tab(client):
    """Search by prompt words, as in the shop, in the newest list and in the top lists."""
    cat = ProductFactory(image__prompt="A cat asleep on old books")
    ProductFactory(image__prompt="푸른 바다 위의 등대")
    LikeFactory(image=cat.image)
    assert "A cat asleep" in explore(client, q="books cat")
    page = explore(client, q="바다")
    assert "푸른 바다" in page and "A cat" not in page
    assert "A cat asleep" in explore(client, tab="today", q="cat")
    assert "No public artwork matches “zebra”" in explore(client, q="zebra")
    assert "&lt;b&gt;" in explore(client, q="<b>zebra</b>")


def test_odd_addresses_fall_back_to_the_defaults(client):
    """An unknown tab or a nonsense page number is the first page of the newest, not a 500."""
    ImageFactory(prompt="Still here", visibility=Public)
    for params in ({"tab": "nonsense"}, {"page": "x"}, {"page": "-3"}, {"page": "99999999"}):
        response = client.get(reverse("explore"), params)
        assert response.status_code == 200
    assert "Still here" in explore(client, tab="<script>")


def test_more_pages_load_in_place_with_htmx_and_as_pages_without(client):
    """25 images: a "More artworks" link; htmx gets just the next cards, a browser a page."""
    bulk_public_images(25)
    first = explore(client)
    assert first.count('class="art-card"') == 24
    assert 'hx-get="?page=2"' in first and 'href="?page=2"' in first
    fragment = client.get(reverse("explore"), {"page": 2}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.count('class="art-card"') == 1
    assert "<h1" not in html and "More artworks" not in html
    second = explore(client, page=2)
    assert "<h1>Explore</h1>" in second and 'rel="prev"' in second


def _queries(client, url: str) -> int:
    client.get(url)  # what a first visit sets up once (the session's cart) is not counted
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_gallery_pages_cost_the_same_queries_for_1_and_1000_images(client, signed_in):
    """Home, Explore (each tab) and a creator's page: the same number of queries for 1 image
    as for 1,000 images with 1,000 likes (no query per card)."""
    FormatFactory()
    viewer = UserFactory()
    if signed_in:
        client.force_login(viewer)
    first = bulk_public_images(1)[0]
    Like.objects.create(user=viewer, image=first)
    creator_url = reverse("creator", args=[first.owner.username])
    urls = [
        reverse("home"),
        reverse("explore"),
        reverse("explore") + "?tab=today",
        reverse("explore") + "?tab=week&q=bulk",
        creator_url,
    ]
    few = {url: _queries(client, url) for url in urls}

    images = bulk_public_images(999)
    GeneratedImage.objects.filter(pk__in=[image.pk for image in images]).update(owner=first.owner)
    likers = UserFactory.create_batch(3)
    Like.objects.bulk_create(
        Like(user=likers[n % 3], image=image) for n, image in enumerate(images)
    )
    many = {url: _queries(client, url) for url in urls}
    assert many == few
    assert max(few.values()) <= (9 if signed_in else 7)


def test_cached_pages_show_other_peoples_likes_within_seconds(client, settings, any_cache):
    """A visitor's page is cached; someone else's like shows once the entry expires."""
    settings.GALLERY_CACHE_SECONDS = 60
    image = ImageFactory(prompt="Counted", visibility=Public)
    assert "♥</span> 0<" in explore(client)
    LikeFactory(image=image)
    assert "♥</span> 0<" in explore(client)  # cached
    settings.GALLERY_CACHE_SECONDS = 0
    cache.clear()  # what the passing of GALLERY_CACHE_SECONDS does
    assert "♥</span> 1<" in explore(client)


def test_sharing_an_image_shows_at_once_on_cached_pages(client, user):
    """Publishing and unpublishing drop the cached gallery pages at once."""
    assert "Fresh art" not in client.get(reverse("home")).content.decode()
    image = ImageFactory(owner=user, prompt="Fresh art")
    owner = client.__class__()
    owner.force_login(user)
    owner.post(reverse("image_publish", args=[image.public_id]), {"visibility": "public"})
    assert "Fresh art" in client.get(reverse("home")).content.decode()
    assert "Fresh art" in explore(client)
    owner.post(reverse("image_publish", args=[image.public_id]), {"visibility": "private"})
    assert "Fresh art" not in explore(client)


SEOUL = ZoneInfo("Asia/Seoul")


def _like_at(image, when: datetime) -> Like:
    return LikeFactory(image=image, created_at=when)


def test_today_starts_at_local_midnight(settings):
    """Likes just before local midnight belong to yesterday, just after it to today."""
    settings.TIME_ZONE = "Asia/Seoul"
    now = datetime(2027, 3, 10, 0, 30, tzinfo=SEOUL)  # 15:30 UTC the day before
    late = ImageFactory(prompt="Late night", visibility=Public)
    early = ImageFactory(prompt="Early bird", visibility=Public)
    for _ in range(3):
        _like_at(late, datetime(2027, 3, 9, 23, 59, tzinfo=SEOUL))
    _like_at(early, datetime(2027, 3, 10, 0, 1, tzinfo=SEOUL))
    window = selectors.day_window(now)
    assert window.start == datetime(2027, 3, 10, tzinfo=SEOUL)
    assert selectors.top_ids(window=window) == [(early.pk, 1)]
    yesterday = selectors.day_window(now - timedelta(hours=1))
    assert selectors.top_ids(window=yesterday) == [(late.pk, 3)]


def test_this_week_starts_on_monday_at_local_midnight(settings):
    """Sunday 23:59 is last week; Monday 00:00 starts this week; ties go to the newer image."""
    settings.TIME_ZONE = "Asia/Seoul"
    monday = datetime(2027, 3, 8, tzinfo=SEOUL)
    sunday_night = ImageFactory(prompt="Sunday", visibility=Public)
    monday_morning = ImageFactory(prompt="Monday", visibility=Public)
    tie = ImageFactory(prompt="Tie", visibility=Public)
    _like_at(sunday_night, monday - timedelta(minutes=1))
    _like_at(monday_morning, monday)
    _like_at(tie, monday + timedelta(days=6, hours=23))
    window = selectors.week_window(datetime(2027, 3, 14, 23, 59, tzinfo=SEOUL))  # Sunday
    assert window.start == monday and window.end == monday + timedelta(days=7)
    assert selectors.top_ids(window=window) == [(tie.pk, 1), (monday_morning.pk, 1)]
    last_week = selectors.week_window(monday - timedelta(seconds=1))
    assert selectors.top_ids(window=last_week) == [(sunday_night.pk, 1)]


def test_top_five_holds_five(client):
    """Seven liked images today: the home page shows five of them, the most liked first."""
    images = [ImageFactory(prompt=f"Contender {n}", visibility=Public) for n in range(7)]
    for n, image in enumerate(images):
        LikeFactory.create_batch(n + 1, image=image)
    sections = selectors.home_sections(viewer=UserFactory())
    assert [card.image.prompt for card in sections.today] == [
        f"Contender {n}" for n in (6, 5, 4, 3, 2)
    ]
    assert sections.today[0].window_likes == 7 and sections.today[0].likes == 7


def test_home_page_shows_the_tops_and_the_newest_and_leads_to_create(client):
    """The home page has today's top five, this week's, the newest, and the Create button."""
    liked = ImageFactory(prompt="Everyone loves this", visibility=Public)
    LikeFactory(image=liked)
    ImageFactory(prompt="Brand new", visibility=Public)
    page = client.get(reverse("home")).content.decode()
    today = page[page.index("Today’s top five") : page.index("This week’s top five")]
    assert "Everyone loves this" in today and "Brand new" not in today
    newest = page[page.index('id="newest"') :]
    assert newest.index("Brand new") < newest.index("Everyone loves this")
    assert 'href="/create/"' in page and "Create your artwork" in page


def test_home_page_without_art_still_reads_well(client):
    """A fresh site: the sections say so and point to Create."""
    page = client.get(reverse("home")).content.decode()
    assert "Nothing has been liked yet today" in page
    assert "Create the first" in page


def test_creator_page_shows_name_bio_public_images_and_total_likes(client):
    """/@username/: display name, bio, public images only, and the likes they received."""
    creator = UserFactory(username="jun", display_name="Jun Seo", bio="I paint <harbours>.")
    shown = ImageFactory(owner=creator, prompt="Harbour at dusk", visibility=Public)
    ImageFactory(owner=creator, prompt="Not for you")
    LikeFactory.create_batch(2, image=shown)
    LikeFactory(image=ImageFactory(prompt="Someone else's", visibility=Public))
    page = client.get("/@jun/").content.decode()
    assert "<h1>Jun Seo</h1>" in page
    assert "I paint &lt;harbours&gt;." in page
    assert "Harbour at dusk" in page and "Not for you" not in page
    assert "1 public artwork" in page and "2 likes received" in page
    assert client.get("/@nobody-here/").status_code == 404
    UserFactory(username="gone", is_active=False)
    assert client.get("/@gone/").status_code == 404
