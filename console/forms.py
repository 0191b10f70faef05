"""The dashboard's period picker: ?period=today|7d|30d|custom&from=&to=.

A value that does not parse is ignored with a notice, and the page shows the last 7 days:
a manager's typo in an address never makes an error page.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.utils import timezone

# The longest custom range, so that one request cannot ask for decades of days.
MAX_DAYS = 366
PRESETS = {"today": ("Today", 1), "7d": ("Last 7 days", 7), "30d": ("Last 30 days", 30)}
DEFAULT = "7d"
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive
    notices: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.key in PRESETS:
            return PRESETS[self.key][0]
        if self.start == self.end:
            return f"{self.start:%-d %b %Y}"
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        choices=[*((key, label) for key, (label, _) in PRESETS.items()), ("custom", "Dates below")],
        required=False,
    )

    def __init__(self, *args, today: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        # "from" is a Python keyword, so these two cannot be class attributes.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def chosen_period(self) -> Period:
        """The period asked for, or the last 7 days with notices that say what was ignored."""
        self.is_valid()  # fields that failed are simply absent from cleaned_data
        data, raw = self.cleaned_data, self.data
        key = data.get("period") or ""
        notices = []
        if raw.get("period") and not key:
            notices.append(f"“{raw['period'][:30]}” is not a period the console knows.")
        for name in ("from", "to"):
            if raw.get(name) and data.get(name) is None:
                notices.append(f"“{raw[name][:30]}” is not a date (use the form YYYY-MM-DD).")
            elif data.get(name) and data[name] < EARLIEST:
                notices.append(f"{data[name]:%Y-%m-%d} is before the shop existed.")
        wants_dates = key == "custom" or (not key and (raw.get("from") or raw.get("to")))
        if wants_dates and not notices:
            return self._custom(data.get("from"), data.get("to"))
        if wants_dates or (notices and not key):
            notices.append(f"Showing {PRESETS[DEFAULT][0].lower()} instead.")
        return self._preset(key if key in PRESETS else DEFAULT, notices)

    def _preset(self, key: str, notices: list[str]) -> Period:
        days = PRESETS[key][1]
        return Period(key, self.today - timedelta(days=days - 1), self.today, notices)

    def _custom(self, start: date | None, end: date | None) -> Period:
        if start is None or end is None:
            return self._preset(
                DEFAULT,
                ["A custom period needs both a from and a to date; showing the last 7 days."],
            )
        notices = []
        if start > end:
            start, end = end, start
            notices.append("The from date was after the to date: the two are swapped.")
        if end > self.today:
            end, start = self.today, min(start, self.today)
            notices.append("Nothing has happened after today yet: the period ends today.")
        if (end - start).days + 1 > MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS - 1)
            notices.append(f"The console shows at most {MAX_DAYS} days: the period is shortened.")
        return Period("custom", start, end, notices)
