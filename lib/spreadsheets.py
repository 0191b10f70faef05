"""CSV exports that a spreadsheet opens safely: UTF-8 with a byte-order mark (Excel reads
Korean right) and no cell that it would run as a formula."""

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell_safe(value):
    """Text that begins like a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    def __init__(self, stream, *, bom: bool = True) -> None:
        if bom:
            stream.write("\ufeff")
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([cell_safe(value) for value in row])
