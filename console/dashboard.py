"""The dashboard of one period: its figures (cached a minute) and the charts drawn from them."""

from dataclasses import dataclass

from console.charts import Chart, Series, bar_chart
from console.forms import Period
from console.selectors import OUTCOMES, Figures, dashboard_figures
from lib.ai_costs import format_micros
from products.money import currency, format_minor

OUTCOME_CSS = {
    "succeeded": "s-ok",
    "safety": "s-warn",
    "provider_error": "s-bad",
    "canceled": "s-muted",
}


# Tables of more days than this scroll in their own box, beside their chart.
SHORT_TABLE_DAYS = 10


@dataclass(frozen=True)
class Dashboard:
    period: Period
    figures: Figures
    charts: dict[str, Chart]

    @property
    def long_tables(self) -> bool:
        return self.period.days > SHORT_TABLE_DAYS


def dashboard_get(*, period: Period) -> Dashboard:
    figures = dashboard_figures(start=period.start, end=period.end, shop_currency=currency())
    return Dashboard(period=period, figures=figures, charts=_charts(figures))


def usd(micros: int) -> str:
    """Dollars to the cent, or to the hundredth of a cent when a cent would hide the cost."""
    text = format_micros(micros, places=4)
    return text[:-2] if text.endswith("00") else text


def usd_axis(micros: int, step: int) -> str:
    """An axis of dollars: every label to the cent, or all to the hundredth of a cent."""
    return format_micros(micros, places=2 if step % 10_000 == 0 else 4)


def _charts(figures: Figures) -> dict[str, Chart]:
    days = [day.day for day in figures.days]

    def money(minor: int) -> str:
        return format_minor(minor, figures.currency)

    def column(name: str) -> list[int]:
        return [getattr(day, name) for day in figures.days]

    charts = {
        "sales": bar_chart(
            id="chart-sales",
            title="Revenue and refunds per day",
            summary=f"Revenue {money(figures.revenue)} and refunds {money(figures.refunds)} "
            "in the period; the table below has each day's figures.",
            days=days,
            series=[
                Series("Revenue", "s-accent", column("revenue")),
                Series("Refunds", "s-bad", column("refunds")),
            ],
            fmt=money,
        ),
        "generations": bar_chart(
            id="chart-generations",
            title="Generations per day by outcome",
            summary=", ".join(
                f"{label} {figures.outcome_total(key)}" for key, label in OUTCOMES.items()
            )
            + "; the table below has each day's figures.",
            days=days,
            series=[
                Series(label, OUTCOME_CSS[key], [d.outcomes.get(key, 0) for d in figures.days])
                for key, label in OUTCOMES.items()
            ],
            fmt=str,
            stacked=True,
        ),
        "signups": bar_chart(
            id="chart-signups",
            title="Sign-ups per day",
            summary=f"{figures.total('signups')} sign-ups in the period; "
            "the table below has each day's figures.",
            days=days,
            series=[Series("Sign-ups", "s-accent", column("signups"))],
            fmt=str,
        ),
    }
    spend = Series("AI spend", "s-warn", column("spend"))
    # Spend on its own scale, where a few cents a day still show.
    charts["spend"] = bar_chart(
        id="chart-spend",
        title="AI spend per day (USD)",
        summary=f"AI spend {usd(figures.spend)}; the table below has each day's figures.",
        days=days,
        series=[spend],
        fmt=usd,
    )
    if figures.in_usd:
        # One unit: revenue in cents becomes micro-dollars, so the bars stand side by side.
        revenue = Series("Revenue", "s-accent", [cents * 10_000 for cents in column("revenue")])
        charts["revenue"] = bar_chart(
            id="chart-revenue",
            title="Revenue and AI spend per day, on one scale",
            summary=f"Revenue {money(figures.revenue)}, AI spend {usd(figures.spend)}; "
            "the table below has each day's figures.",
            days=days,
            series=[revenue, spend],
            fmt=usd,
            axis_fmt=usd_axis,
        )
    else:
        charts["revenue"] = bar_chart(
            id="chart-revenue",
            title=f"Revenue per day ({figures.currency.upper()})",
            summary=f"Revenue {money(figures.revenue)}; the table below has each day's figures.",
            days=days,
            series=[Series("Revenue", "s-accent", column("revenue"))],
            fmt=money,
        )
    return charts
