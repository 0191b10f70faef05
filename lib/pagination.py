"""Pages without COUNT(*): the cost of a page stays flat however many rows there are."""

from dataclasses import dataclass

from django.db.models import QuerySet

MAX_PAGE = 10_000


@dataclass(frozen=True)
class Page:
    object_list: list
    number: int
    has_next: bool
    paginator = None  # no total: templates show "Page N" and the links

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(queryset: QuerySet, number: str | int | None, per_page: int) -> Page:
    """One page in two steps: the ids by OFFSET on the ordering's index (an index-only scan,
    however deep the page), then those rows with their joins. One extra id tells if more
    follow."""
    try:
        number = min(max(int(number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    ids = list(queryset.values_list("pk", flat=True)[start : start + per_page + 1])
    rows = {row.pk: row for row in queryset.filter(pk__in=ids[:per_page])}
    return Page(
        object_list=[rows[pk] for pk in ids[:per_page] if pk in rows],
        number=number,
        has_next=len(ids) > per_page,
    )
