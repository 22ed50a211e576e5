"""Every fixed text of a certificate, in Dutch (default) and English, and the value formatters.

`catalog` assembles the texts kept by concern (`page`, `erasure`, `destruction`, `explain`);
`formats` writes numbers, sizes and dates in the language's way.
"""

from certificates.texts.catalog import LANGS, TEXTS, t, term
from certificates.texts.formats import (
    MONTHS,
    fmt_bytes,
    fmt_date,
    fmt_datetime,
    fmt_decimal,
    fmt_duration,
    fmt_int,
    fmt_percent,
    local_date,
    yes_no,
)

__all__ = [
    "LANGS",
    "MONTHS",
    "TEXTS",
    "fmt_bytes",
    "fmt_date",
    "fmt_datetime",
    "fmt_decimal",
    "fmt_duration",
    "fmt_int",
    "fmt_percent",
    "local_date",
    "t",
    "term",
    "yes_no",
]
