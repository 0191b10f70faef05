"""The dashboard's figures against the known shop of tests/console/conftest.py.

Last 7 days: four USD orders paid (30.00 and 10.00 yesterday, 5.00 today and refunded, 30.00
three days ago at a lab problem) = 75.00, one refund of 5.00 today, one order in KRW left
out; images: four succeeded (0.04 and 0.042 USD yesterday, 0 offline and one of unknown cost
today), one safety refusal, three provider errors, one cancelled; bot replies 0.00125 and 0
USD; three sign-ups. Margin: 75.00 − 5.00 − 0.08325 = 69.91675 USD.
"""

import html
import re

import pytest
from django.urls import reverse

from console.selectors import dashboard_figures
from purchases.models import Order

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The page as a person reads it: tags gone, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())


def figures_for(days: int):
    from django.utils import timezone

    today = timezone.localdate()
    return dashboard_figures(
        start=today - timezone.timedelta(days=days - 1), end=today, shop_currency="usd"
    )


def test_money_figures_of_the_last_7_days(known_shop):
    """Revenue, refunds, AI spend (images and chat) and the margin, in their units."""
    figures = figures_for(7)
    assert figures.revenue == 7500
    assert figures.total_orders == 4
    assert figures.refunds == 500
    assert figures.total_refund_count == 1
    assert figures.total_image_spend == 82_000
    assert figures.total_chat_spend == 1_250
    assert figures.spend == 83_250
    assert figures.margin_micros == 69_916_750
    assert figures.other_currency_orders == 1
    assert figures.unpriced_images == 1
    assert figures.chat_replies == 2


def test_per_day_figures_land_on_their_days(known_shop):
    """Each amount is on the local day it happened, and every day of the period has a row."""
    days = {day.day: day for day in figures_for(7).days}
    assert len(days) == 7
    today, yesterday, *_ = sorted(days, reverse=True)
    assert (days[yesterday].orders, days[yesterday].revenue) == (2, 4000)
    assert (days[today].revenue, days[today].refunds) == (500, 500)
    assert days[yesterday].image_spend == 82_000
    assert days[today].chat_spend == 1_250
    assert (days[yesterday].signups, days[today].signups) == (2, 1)
    assert days[today].margin == -1_250


def test_generations_by_outcome_and_failure_reasons(known_shop):
    figures = figures_for(7)
    assert {key: figures.outcome_total(key) for key, _ in figures.outcome_labels} == {
        "succeeded": 4,
        "safety": 1,
        "provider_error": 3,
        "canceled": 1,
    }
    assert figures.pending == 0
    assert [(row.value, row.count) for row in figures.failures] == [
        ("server_error", 2),
        ("safety_rejected", 1),
        ("timeout", 1),
    ]


def test_top_products_and_creators_by_sales(known_shop):
    """Item lines of orders paid in the period: shipping and other currencies left out."""
    figures = figures_for(7)
    assert [(p.name, p.revenue, p.copies) for p in figures.top_products] == [
        (known_shop["lighthouse"].name, 5300, 3),
        (known_shop["whale"].name, 1000, 2),
    ]
    assert [(c.name, c.revenue, c.copies) for c in figures.top_creators] == [
        ("ana", 5300, 3),
        ("ben", 1000, 2),
    ]


def test_orders_by_status_and_lab_stage_now(known_shop):
    figures = figures_for(1)
    statuses = {row.value: row.count for row in figures.statuses}
    assert statuses == dict.fromkeys(Order.Status.values, 0) | {
        "pending": 1,
        "paid": 3,
        "shipped": 1,
        "delivered": 1,
        "refunded": 1,
    }
    stages = {row.value: row.count for row in figures.lab_stages}
    assert stages == {"waiting": 0, "submitted": 0, "in_production": 0, "shipped": 1, "problem": 1}


def test_the_page_shows_the_figures(manager_client, known_shop):
    """A manager reads the same figures on the page, with links to the filtered order list."""
    response = manager_client.get(reverse("console_home"), {"period": "7d"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Revenue $75.00 4 paid orders" in text
    assert "Refunds $5.00 1 refund" in text
    assert "AI spend $0.0833 images $0.0820, chat $0.0013" in text
    assert "Margin $69.9168" in text
    assert "1 order paid in another currency than USD is left out" in text
    assert "Cost unknown for 1 image and 0 chat replies" in text
    assert "Refused by the safety system: 1" in text
    assert "Provider server error: 2" in text
    assert f"{known_shop['lighthouse'].name} 3 $53.00" in text
    assert "ana 3 $53.00" in text
    page = response.content.decode()
    assert f'href="{reverse("manager_orders")}?status=shipped"' in page
    assert f'href="{reverse("manager_orders")}?lab=problem"' in page


def test_today_only(manager_client, known_shop):
    """Today: the refunded order's revenue and its refund, and a bot reply's cost."""
    text = page_text(manager_client.get(reverse("console_home"), {"period": "today"}))
    assert "Revenue $5.00 1 paid order" in text
    assert "Margin −$0.0013" in text
    assert "Sign-ups 1" in text


def test_shop_in_another_currency_shows_both_not_a_sum(manager_client, known_shop, settings):
    """A KRW shop: revenue in won, AI spend in dollars, never added together."""
    settings.SHOP_CURRENCY = "krw"
    text = page_text(manager_client.get(reverse("console_home"), {"period": "7d"}))
    assert "Revenue ₩30,000" in text
    assert "Margin ₩30,000 − $0.0833" in text
    assert "AI spend in USD, not converted" in text
    assert "4 orders paid in another currency than KRW are left out" in text


def test_days_follow_the_site_time_zone(settings, user):
    """In Seoul (UTC+9) an order paid at 01:00 local time is today's, though it is still
    yesterday in UTC."""
    from datetime import UTC, datetime, time

    from django.utils import timezone

    from tests.console.conftest import paid_order
    from tests.products.factories import FormatFactory, ProductFactory

    settings.TIME_ZONE = "Asia/Seoul"
    today = timezone.localdate()
    order = paid_order(user, [(ProductFactory(), FormatFactory(), 500, 1)], days_ago=0)
    early = timezone.make_aware(datetime.combine(today, time(1)))
    Order.objects.filter(pk=order.pk).update(paid_at=early)
    assert early.astimezone(UTC).date() < today
    days = {day.day: day for day in figures_for(2).days}
    assert days[today].revenue == 500
    assert sum(day.revenue for day in days.values()) == 500


def test_custom_range_picks_exact_days(manager_client, known_shop):
    """From three days ago to two days ago: only the lab-problem order's 30.00."""
    from django.utils import timezone

    today = timezone.localdate()
    start, end = today - timezone.timedelta(days=3), today - timezone.timedelta(days=2)
    text = page_text(
        manager_client.get(
            reverse("console_home"),
            {"period": "custom", "from": f"{start:%Y-%m-%d}", "to": f"{end:%Y-%m-%d}"},
        )
    )
    assert "Revenue $30.00 1 paid order" in text
    assert "Refunds $0.00" in text
