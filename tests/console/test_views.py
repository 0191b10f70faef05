"""The console page: who may open it, what odd addresses show, the resume button, caching
and the number of queries, which does not grow with the shop."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dalle.models import GeneratedImage, GenerationSwitch
from purchases.models import Order, OrderItem
from tests.console.test_figures import page_text
from tests.dalle.factories import QueuedImageFactory
from tests.factories import UserFactory
from tests.products.factories import FormatFactory, ProductFactory

pytestmark = pytest.mark.django_db
HOME = "/console/"


def test_console_address():
    assert reverse("console_home") == HOME


def test_visitors_are_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert "/login/" in response.url


def test_shoppers_get_what_other_manager_pages_give_them(client, user):
    """The same redirect to the staff log-in as All orders gives a shopper."""
    client.force_login(user)
    console, orders = client.get(HOME), client.get(reverse("manager_orders"))
    assert console.status_code == orders.status_code == 302
    assert console.url.split("?")[0] == orders.url.split("?")[0] == reverse("admin:login")
    resume = client.post(reverse("console_generation_resume"))
    assert resume.status_code == 302 and resume.url.startswith(reverse("admin:login"))


def test_managers_see_the_console_and_the_nav_link(manager_client):
    response = manager_client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="{HOME}" aria-current="page">Console</a>' in page
    assert "Last 7 days" in page_text(response)


def test_shoppers_have_no_console_link(user_client):
    assert f'href="{HOME}"' not in user_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"period": "forever"}, "“forever” is not a period the console knows."),
        (
            {"period": "custom", "from": "yesterday", "to": "2026-01-01"},
            "“yesterday” is not a date",
        ),
        ({"period": "custom", "from": "2026-13-45"}, "“2026-13-45” is not a date"),
        ({"period": "custom", "from": "2026-01-01"}, "needs both a from and a to date"),
        ({"from": "1066-10-14", "to": "1066-10-15"}, "1066-10-14 is before the shop existed"),
        ({"period": "custom", "from": "2000-01-01", "to": "2020-01-01"}, "at most 366 days"),
        ({"period": ["7d", "30d"], "from": "x" * 500, "to": "31/12/2026"}, "is not a date"),
        ({"period": "custom", "from": "9999-12-30", "to": "9999-12-31"}, "ends today"),
    ],
)
def test_odd_periods_show_a_notice_not_an_error(manager_client, query, notice):
    """Whatever the address says, the page answers 200 and says what it did instead."""
    response = manager_client.get(HOME, query)
    assert response.status_code == 200
    assert notice in page_text(response)


def test_dates_the_wrong_way_round_are_swapped(manager_client):
    response = manager_client.get(
        HOME, {"period": "custom", "from": "2026-03-10", "to": "2026-03-01"}
    )
    text = page_text(response)
    assert "the two are swapped" in text
    assert "1 Mar 2026 to 10 Mar 2026" in text


def test_resume_turns_generation_on_and_sends_held_jobs(
    manager_client, user, django_capture_on_commit_callbacks
):
    """A paused switch shows its reason; one click resumes and the held job is enqueued."""
    GenerationSwitch.objects.create(pk=1, enabled=False, reason="Billing limit reached")
    held = QueuedImageFactory(owner=user)
    page = page_text(manager_client.get(HOME))
    assert "Paused" in page and "Reason: Billing limit reached" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            reverse("console_generation_resume"), {"next": f"{HOME}?period=30d"}, follow=True
        )
    assert response.redirect_chain == [(f"{HOME}?period=30d", 302)]
    text = page_text(response)
    assert "Image generation is on again. 1 held job sent to the painter." in text
    assert "Shoppers can create images." in text
    assert GenerationSwitch.load().enabled
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__image_id=held.pk).exists()


def test_resume_is_a_post_with_a_csrf_token(manager, client):
    """The page's button is a form posting with a token; a GET to the action is refused."""
    from django.test import Client

    GenerationSwitch.objects.create(pk=1, enabled=False, reason="paused")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    assert strict.get(reverse("console_generation_resume")).status_code == 405
    assert strict.post(reverse("console_generation_resume")).status_code == 403
    page = strict.get(HOME).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert f'action="{reverse("console_generation_resume")}"' in page
    assert not GenerationSwitch.load().enabled


def test_figures_are_cached_for_a_minute_but_the_switch_is_live(manager_client, user):
    """A new order shows after the minute; a pause shows at once."""
    assert "Revenue $0.00" in page_text(manager_client.get(HOME))
    bulk_shop(1)
    assert "Revenue $0.00" in page_text(manager_client.get(HOME))
    GenerationSwitch.objects.create(pk=1, enabled=False, reason="maintenance")
    assert "Reason: maintenance" in page_text(manager_client.get(HOME))
    from django.core.cache import cache

    cache.clear()  # what a minute does
    assert "Revenue $5.00" in page_text(manager_client.get(HOME))


def bulk_shop(count: int) -> None:
    """`count` paid orders with an item each over the last 30 days, and as many images."""
    customers = UserFactory.create_batch(3)
    product, fmt = ProductFactory(), FormatFactory()
    now = timezone.now()
    orders = Order.objects.bulk_create(
        Order(
            customer=customers[n % 3],
            currency="usd",
            subtotal_amount=500,
            total_amount=500,
            email="x@example.com",
            status=Order.Status.PAID,
            paid_at=now - timedelta(hours=n % 700),
        )
        for n in range(count)
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order, product=product, format=fmt, quantity=1, unit_amount=500, line_amount=500
        )
        for order in orders
    )
    GeneratedImage.objects.bulk_create(
        GeneratedImage(
            owner=customers[n % 3],
            prompt=f"Painting {n}",
            provider="openai",
            status=GeneratedImage.Status.SUCCEEDED,
            image="images/shared.png",
            cost_microusd=40_000,
        )
        for n in range(count)
    )
    batch = uuid.uuid4().hex[:8]
    get_user_model().objects.bulk_create(
        get_user_model()(username=f"{batch}-{n}", email=f"{batch}-{n}@example.com")
        for n in range(count // 10)
    )


def console_queries(client) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME, {"period": "30d"})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_shop(manager_client):
    """The same number of queries for 10 and for 10,000 orders (and images)."""
    manager_client.get(reverse("home"))  # the first visit also looks for a cart to remember
    bulk_shop(10)
    small = console_queries(manager_client)
    bulk_shop(9_990)
    large = console_queries(manager_client)
    assert small == large
    assert large <= 16
    assert "Revenue $50,000.00" in page_text(manager_client.get(HOME, {"period": "30d"}))
