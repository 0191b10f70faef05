import pytest
from django.urls import reverse

from dalle.models import GeneratedImage
from products.models import Product
from tests.dalle.factories import ImageFactory
from tests.products.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_shop_lists_public_products_newest_first(client):
    """Only products of public images are in the shop, newest first."""
    older = ProductFactory(image__prompt="An older lighthouse")
    newer = ProductFactory(image__prompt="A newer harbour")
    private = ProductFactory(
        image__prompt="A secret garden", image__visibility=GeneratedImage.Visibility.PRIVATE
    )
    page = client.get(reverse("shop")).content.decode()
    assert page.index(newer.name) < page.index(older.name)
    assert private.name not in page
    assert 'loading="eager"' in page
    assert f'width="{newer.image.thumbnail_width}"' in page


def test_shop_search_by_prompt_words(client):
    """Search finds products whose prompt has all the words, in any language."""
    ProductFactory(image__prompt="Lighthouse at dawn, watercolour")
    ProductFactory(image__prompt="푸른 바다 위의 등대")
    ProductFactory(image__prompt="A cat asleep")
    assert (
        "Lighthouse at dawn"
        in client.get(reverse("shop"), {"q": "dawn lighthouse"}).content.decode()
    )
    page = client.get(reverse("shop"), {"q": "바다"}).content.decode()
    assert "푸른 바다" in page
    assert "A cat" not in page
    assert (
        "No artwork matches" in client.get(reverse("shop"), {"q": "<b>zebra</b>"}).content.decode()
    )
    assert (
        "&lt;b&gt;zebra&lt;/b&gt;"
        in client.get(reverse("shop"), {"q": "<b>zebra</b>"}).content.decode()
    )


@pytest.mark.parametrize("count", [1, 24, 1000])
def test_shop_query_count_is_constant(client, user, count, django_assert_max_num_queries):
    """The shop costs the same queries for 1, 24 or 1,000 products, cached or not."""
    from django.core.cache import cache

    from tests.products.factories import bulk_products

    bulk_products(count)
    client.force_login(user)  # logged in: the page is rendered, the grid may be cached
    client.cookies["cart_count"] = "0"  # as after the session's first page (purchases.middleware)
    cache.clear()
    with django_assert_max_num_queries(4):  # session, user, the page's ids, their rows
        response = client.get(reverse("shop"))
    assert response.content.decode().count('class="tile"') == min(count, 24)


def test_anonymous_shop_is_cached_and_refreshed_on_publish(client, user, any_cache):
    """Visitors get a cached page; a newly published product shows on the next request."""
    from django.core.cache import cache

    cache.clear()
    ProductFactory(image__prompt="First on the wall")
    assert "First on the wall" in client.get(reverse("shop")).content.decode()
    image = ImageFactory(owner=user, prompt="Fresh from the painter")
    owner = client.__class__()
    owner.force_login(user)
    owner.post(reverse("image_publish", args=[image.public_id]), {"visibility": "public"})
    assert "Fresh from the painter" in client.get(reverse("shop")).content.decode()
    owner.post(reverse("image_publish", args=[image.public_id]), {"visibility": "private"})
    assert "Fresh from the painter" not in client.get(reverse("shop")).content.decode()
    cache.clear()


def test_cached_page_is_served_without_queries(client, django_assert_num_queries):
    """A cached anonymous shop page costs no database query at all."""
    from django.core.cache import cache

    cache.clear()
    ProductFactory()
    client.get(reverse("shop"))
    with django_assert_num_queries(0):
        assert client.get(reverse("shop")).status_code == 200
    cache.clear()


def test_managers_unlisting_in_the_admin_takes_the_product_out(client, admin_client):
    """Making an image private in the admin removes its product from the shop."""
    product = ProductFactory(image__prompt="Taken down by a manager")
    change = reverse("admin:dalle_generatedimage_change", args=[product.image.pk])
    form = {"visibility": "private", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}
    assert admin_client.post(change, form).status_code == 302
    product.refresh_from_db()
    assert not product.is_listed
    assert "Taken down by a manager" not in client.get(reverse("shop")).content.decode()


def test_shop_paginates_and_keeps_the_search(client):
    """25 matching products make two pages; the next link keeps the query."""
    ProductFactory.create_batch(25, image__prompt="a blue boat")
    page = client.get(reverse("shop"), {"q": "boat"}).content.decode()
    assert "Page 1" in page
    assert "?q=boat&amp;page=2" in page
    second = client.get(reverse("shop"), {"q": "boat", "page": 2}).content.decode()
    assert second.count('class="tile"') == 1
    assert 'rel="next"' not in second
    assert client.get(reverse("shop"), {"page": "nonsense"}).status_code == 200
    assert client.get(reverse("shop"), {"page": "99999999"}).status_code == 200


def test_product_page_shows_image_prompt_and_prices(client, shop_formats):
    """The product page shows the artwork, its prompt and every format's price."""
    product = ProductFactory(image__prompt="밤하늘의 고래")
    page = client.get(product.get_absolute_url()).content.decode()
    assert "밤하늘의 고래" in page
    assert "Digital download</strong> — $5.00" in page
    assert product.image.thumbnail.url in page
    assert product.image.original_src not in page
    assert (
        client.get(product.image.original_src).status_code == 404
    )  # the original is sold, not given away


def test_slug_is_short_and_unique_for_long_korean_prompts():
    """Any prompt, however long and in any script, gets a short unique slug."""
    prompt = "아주 긴 한국어 프롬프트 " * 80
    a = ProductFactory(image__prompt=prompt[:1000])
    b = ProductFactory(image__prompt=prompt[:1000])
    assert a.slug != b.slug
    assert len(a.slug) <= 80
    assert a.slug.startswith("아주-긴-한국어-프롬프트")
    assert len(a.name) <= 120


def test_publishing_makes_a_product_and_unpublishing_hides_it(client, user):
    """Sharing an image puts it in the shop; making it private takes it out."""
    image = ImageFactory(owner=user)
    client.force_login(user)
    client.post(reverse("image_publish", args=[image.public_id]), {"visibility": "public"})
    product = Product.objects.get(image=image)
    assert product.name in client.get(reverse("shop")).content.decode()
    client.post(reverse("image_publish", args=[image.public_id]), {"visibility": "private"})
    client.logout()
    assert product.name not in client.get(reverse("shop")).content.decode()
    assert client.get(product.get_absolute_url()).status_code == 404


def test_only_the_owner_can_publish(client, other_user):
    """Another user cannot publish someone's image."""
    image = ImageFactory()
    client.force_login(other_user)
    assert (
        client.post(
            reverse("image_publish", args=[image.public_id]), {"visibility": "public"}
        ).status_code
        == 404
    )
    image.refresh_from_db()
    assert not image.is_public


def test_cached_pages_hold_nothing_personal(client, user):
    """A signed-in shopper's page is never cached, so visitors never see their name."""
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    ProductFactory()
    client.force_login(user)
    assert user.username in client.get(reverse("shop")).content.decode()
    visitor = Client().get(reverse("shop")).content.decode()
    assert user.username not in visitor
    assert "Log in" in visitor
    assert "csrfmiddlewaretoken" not in visitor
    cache.clear()


def test_signed_in_pages_are_cached_per_user(client, user, other_user):
    """Each shopper gets their own cached shop page; nobody gets another's."""
    from django.test import Client

    ProductFactory()
    client.force_login(user)
    client.get(reverse("shop"))
    assert user.username in client.get(reverse("shop")).content.decode()
    other = Client()
    other.force_login(other_user)
    page = other.get(reverse("shop")).content.decode()
    assert other_user.username in page
    assert user.username not in page


def test_signed_in_shoppers_reuse_the_grid_a_visitor_cached(
    client, user, django_assert_max_num_queries
):
    """The product grid is the same for everyone: after a visitor's page, no product query."""
    from django.test import Client

    ProductFactory(image__prompt="One grid for all")
    Client().get(reverse("shop"))
    client.force_login(user)
    with django_assert_max_num_queries(2):  # session, user: the grid comes from the cache
        page = client.get(reverse("shop")).content.decode()
    assert "One grid for all" in page
    assert user.username in page


def test_visitors_shop_and_product_pages_are_public_and_shoppers_private(client, user, settings):
    """Nginx may keep what a visitor sees for SHARED_CACHE_SECONDS; a shopper's never."""
    from django.test import Client

    settings.SHARED_CACHE_SECONDS = 5
    product = ProductFactory()
    pages = [reverse("shop"), reverse("shop") + "?q=anything", product.get_absolute_url()]
    for path in pages:
        response = Client().get(path)
        assert response["Cache-Control"] == "public, max-age=5", path
        assert "Cookie" in response["Vary"]
    client.force_login(user)
    for path in pages:
        assert client.get(path)["Cache-Control"] == "private, no-store", path


def test_a_missing_product_is_not_kept_by_shared_caches(client):
    """A 404 is never marked public: the product may be published next."""
    response = client.get("/shop/no-such-product/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
