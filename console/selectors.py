"""The dashboard's figures: a fixed handful of aggregate queries, whatever the shop's size.

Money is kept as the models keep it: shop revenue in integer minor units of SHOP_CURRENCY
(orders in another currency are counted apart, never added), AI spend in integer micro-USD.
Days are the site's local days (TIME_ZONE). Revenue is counted on the day an order was paid
and refunds on the day they were made, so a refunded order shows on both days.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from chatbot.models import Message
from dalle.models import GeneratedImage, GenerationSwitch
from dalle.providers import ProviderError
from lib.caching import cache_result
from purchases.models import LabStage, Order, OrderItem, Refund

CACHE_SECONDS = 60
TOP = 5
ImageStatus = GeneratedImage.Status

# Outcomes of a generation as managers read them, in the order the page shows them. Jobs
# still queued or painting have no outcome yet: they are counted apart (`pending`).
OUTCOMES = {
    "succeeded": "Succeeded",
    "safety": "Safety refusal",
    "provider_error": "Provider error",
    "canceled": "Cancelled",
}
# Why jobs failed, in managers' words (dalle.providers.ProviderError codes, and "stale").
FAILURE_REASONS = {
    ProviderError.SAFETY: "Refused by the safety system",
    ProviderError.BILLING: "Provider billing: quota or spend limit",
    ProviderError.RATE_LIMITED: "Rate limited by the provider",
    ProviderError.SERVER: "Provider server error",
    ProviderError.TIMEOUT: "No answer before the timeout",
    ProviderError.CONNECTION: "Could not reach the provider",
    ProviderError.AUTH: "API key refused",
    ProviderError.BAD_REQUEST: "Request refused by the provider",
    ProviderError.BAD_RESPONSE: "Unreadable answer from the provider",
    ProviderError.STORAGE: "Could not store the picture",
    "stale": "Worker stopped answering",
}
# Prints at the lab that a manager may have to act on; delivered and cancelled ones are done.
OPEN_LAB_STAGES = (
    LabStage.WAITING,
    LabStage.SUBMITTED,
    LabStage.IN_PRODUCTION,
    LabStage.SHIPPED,
    LabStage.PROBLEM,
)


@dataclass(frozen=True)
class Day:
    day: date
    orders: int = 0
    revenue: int = 0  # minor units of the shop's currency
    refunds: int = 0
    refund_count: int = 0
    image_spend: int = 0  # micro-USD
    chat_spend: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    pending: int = 0  # asked for that day, still queued or painting
    signups: int = 0

    @property
    def spend(self) -> int:
        return self.image_spend + self.chat_spend

    @property
    def generations(self) -> int:
        return sum(self.outcomes.values())

    @property
    def outcome_counts(self) -> list[int]:
        return [self.outcomes.get(outcome, 0) for outcome in OUTCOMES]

    @property
    def margin(self) -> int:
        """Revenue less refunds less AI spend in micro-USD: meaningful for a USD shop only."""
        return (self.revenue - self.refunds) * 10_000 - self.spend  # cents to micro-dollars


@dataclass(frozen=True)
class Tally:
    """One row of a count table: what, how many, and where the filtered order list is."""

    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Seller:
    """A product or a creator with what their lines sold in the period."""

    name: str
    revenue: int
    copies: int
    slug: str = ""


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    currency: str
    days: list[Day]
    statuses: list[Tally]
    lab_stages: list[Tally]
    failures: list[Tally]
    top_products: list[Seller]
    top_creators: list[Seller]
    other_currency_orders: int = 0
    unpriced_images: int = 0
    unpriced_replies: int = 0
    chat_replies: int = 0
    computed_at: datetime | None = None

    def total(self, name: str) -> int:
        return sum(getattr(day, name) for day in self.days)

    def outcome_total(self, outcome: str) -> int:
        return sum(day.outcomes.get(outcome, 0) for day in self.days)

    @property
    def outcome_labels(self) -> list[tuple[str, str]]:
        return list(OUTCOMES.items())

    @property
    def outcome_totals(self) -> list[int]:
        return [self.outcome_total(outcome) for outcome in OUTCOMES]

    @property
    def revenue(self) -> int:
        return self.total("revenue")

    @property
    def refunds(self) -> int:
        return self.total("refunds")

    @property
    def net_revenue(self) -> int:
        return self.revenue - self.refunds

    @property
    def spend(self) -> int:
        return self.total("spend")

    @property
    def in_usd(self) -> bool:
        """Revenue and spend share a unit, so the margin is one number."""
        return self.currency == "usd"

    @property
    def margin_micros(self) -> int | None:
        """Revenue less refunds less AI spend in micro-USD; None unless the shop sells in USD."""
        return sum(day.margin for day in self.days) if self.in_usd else None

    # Totals by name, for the template.
    total_orders = property(lambda self: self.total("orders"))
    total_refund_count = property(lambda self: self.total("refund_count"))
    total_image_spend = property(lambda self: self.total("image_spend"))
    total_chat_spend = property(lambda self: self.total("chat_spend"))
    total_generations = property(lambda self: self.total("generations") + self.total("pending"))
    pending = property(lambda self: self.total("pending"))
    total_signups = property(lambda self: self.total("signups"))
    succeeded = property(lambda self: self.outcome_total("succeeded"))


def switch_state() -> GenerationSwitch:
    """The generation switch as it is now (never cached: a resume shows at once)."""
    return GenerationSwitch.objects.filter(pk=1).first() or GenerationSwitch(enabled=True)


@cache_result(seconds=CACHE_SECONDS)
def dashboard_figures(*, start: date, end: date, shop_currency: str) -> Figures:
    """Every figure of the dashboard for the local days start..end (inclusive)."""
    since, until = _local_midnight(start), _local_midnight(end + timedelta(days=1))
    days = {start + timedelta(days=n): {} for n in range((end - start).days + 1)}
    other_currency = _sales(days, since, until, shop_currency)
    _refunds(days, since, until, shop_currency)
    unpriced_images = _generations(days, since, until)
    replies, unpriced_replies = _chat(days, since, until)
    _signups(days, since, until)
    return Figures(
        start=start,
        end=end,
        currency=shop_currency,
        days=[Day(day=day, **values) for day, values in days.items()],
        statuses=_statuses(),
        lab_stages=_lab_stages(),
        failures=_failures(since, until),
        top_products=_top_products(since, until, shop_currency),
        top_creators=_top_creators(since, until, shop_currency),
        other_currency_orders=other_currency,
        unpriced_images=unpriced_images,
        unpriced_replies=unpriced_replies,
        chat_replies=replies,
        computed_at=timezone.now(),
    )


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _per_day(queryset, field_name: str, **aggregates) -> list[dict]:
    return list(
        queryset.order_by()
        .annotate(day=TruncDate(field_name))
        .values("day")
        .annotate(**aggregates)
        .order_by("day")
    )


def _sales(days: dict, since: datetime, until: datetime, shop_currency: str) -> int:
    """Orders paid and their totals per day; returns how many were in another currency."""
    mine = Q(currency=shop_currency)
    rows = _per_day(
        Order.objects.filter(paid_at__gte=since, paid_at__lt=until),
        "paid_at",
        orders=Count("id", filter=mine),
        revenue=Sum("total_amount", filter=mine, default=0),
        other=Count("id", filter=~mine),
    )
    for row in rows:
        days[row["day"]].update(orders=row["orders"], revenue=row["revenue"])
    return sum(row["other"] for row in rows)


def _refunds(days: dict, since: datetime, until: datetime, shop_currency: str) -> None:
    rows = _per_day(
        Refund.objects.filter(
            status=Refund.Status.SUCCEEDED,
            created_at__gte=since,
            created_at__lt=until,
            order__currency=shop_currency,
        ),
        "created_at",
        refunds=Sum("amount", default=0),
        refund_count=Count("id"),
    )
    for row in rows:
        days[row["day"]].update(refunds=row["refunds"], refund_count=row["refund_count"])


def _generations(days: dict, since: datetime, until: datetime) -> int:
    """Jobs per day (the day they were asked for) by outcome, and what they cost; returns
    how many succeeded at an unknown cost."""
    failed = Q(status=ImageStatus.FAILED)
    safety = Q(error_code=ProviderError.SAFETY)
    rows = _per_day(
        GeneratedImage.objects.filter(created_at__gte=since, created_at__lt=until),
        "created_at",
        succeeded=Count("id", filter=Q(status=ImageStatus.SUCCEEDED)),
        safety=Count("id", filter=failed & safety),
        provider_error=Count("id", filter=failed & ~safety),
        canceled=Count("id", filter=Q(status=ImageStatus.CANCELED)),
        pending=Count("id", filter=Q(status__in=GeneratedImage.PENDING)),
        image_spend=Sum("cost_microusd", default=0),
        unpriced=Count("id", filter=Q(status=ImageStatus.SUCCEEDED, cost_microusd__isnull=True)),
    )
    for row in rows:
        days[row["day"]].update(
            outcomes={outcome: row[outcome] for outcome in OUTCOMES},
            pending=row["pending"],
            image_spend=row["image_spend"],
        )
    return sum(row["unpriced"] for row in rows)


def _chat(days: dict, since: datetime, until: datetime) -> tuple[int, int]:
    """The bot's replies' cost per day (a reply points at the message it answers; the
    team's replies do not); returns how many replies, and how many at an unknown cost."""
    rows = _per_day(
        Message.objects.filter(
            in_reply_to__isnull=False, created_at__gte=since, created_at__lt=until
        ),
        "created_at",
        replies=Count("id"),
        chat_spend=Sum("cost_microusd", default=0),
        unpriced=Count("id", filter=Q(cost_microusd__isnull=True)),
    )
    for row in rows:
        days[row["day"]]["chat_spend"] = row["chat_spend"]
    return sum(row["replies"] for row in rows), sum(row["unpriced"] for row in rows)


def _signups(days: dict, since: datetime, until: datetime) -> None:
    users = get_user_model().objects.filter(date_joined__gte=since, date_joined__lt=until)
    for row in _per_day(users, "date_joined", signups=Count("id")):
        days[row["day"]]["signups"] = row["signups"]


def _statuses() -> list[Tally]:
    """Every order by its status now, whatever the period."""
    found = dict(Order.objects.order_by().values_list("status").annotate(n=Count("id")))
    return [Tally(value, label, found.get(value, 0)) for value, label in Order.Status.choices]


def _lab_stages() -> list[Tally]:
    found = dict(
        Order.objects.filter(lab_stage__in=OPEN_LAB_STAGES)
        .order_by()
        .values_list("lab_stage")
        .annotate(n=Count("id"))
    )
    return [Tally(stage.value, stage.label, found.get(stage.value, 0)) for stage in OPEN_LAB_STAGES]


def _failures(since: datetime, until: datetime) -> list[Tally]:
    rows = (
        GeneratedImage.objects.filter(
            status=ImageStatus.FAILED, created_at__gte=since, created_at__lt=until
        )
        .order_by()
        .values_list("error_code")
        .annotate(n=Count("id"))
        .order_by("-n", "error_code")[:TOP]
    )
    return [
        Tally(code, FAILURE_REASONS.get(code, code or "No reason recorded"), n) for code, n in rows
    ]


def _paid_lines(since: datetime, until: datetime, shop_currency: str):
    return OrderItem.objects.filter(
        order__paid_at__gte=since, order__paid_at__lt=until, order__currency=shop_currency
    ).order_by()


def _top_products(since: datetime, until: datetime, shop_currency: str) -> list[Seller]:
    rows = (
        _paid_lines(since, until, shop_currency)
        .values("product_id", "product__name", "product__slug")
        .annotate(revenue=Sum("line_amount"), copies=Sum("quantity"))
        .order_by("-revenue", "product_id")[:TOP]
    )
    return [
        Seller(row["product__name"], row["revenue"], row["copies"], row["product__slug"])
        for row in rows
    ]


def _top_creators(since: datetime, until: datetime, shop_currency: str) -> list[Seller]:
    """Whose artworks sold: the owner of each ordered product's image."""
    rows = (
        _paid_lines(since, until, shop_currency)
        .values("product__image__owner_id", "product__image__owner__username")
        .annotate(revenue=Sum("line_amount"), copies=Sum("quantity"))
        .order_by("-revenue", "product__image__owner_id")[:TOP]
    )
    return [
        Seller(row["product__image__owner__username"], row["revenue"], row["copies"])
        for row in rows
    ]
