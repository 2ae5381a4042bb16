"""Optional PII masking: e-mail addresses, public IP addresses and phone numbers.

E-mails and IPs use datatrove's own PIIFormatter (replacements that look like real values, from
ranges kept for examples). Phone numbers are an addition for the region's formats (+65 6123 4567,
+62 812-3456-7890, 012-345 6789, (02) 123 4567): a run of digit groups is masked only when it has
9 to 15 digits and does not look like a date, so years, prices and dates stay.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyarrow as pa
from datatrove.pipeline.formatters.pii import PIIFormatter, PIIReplacer

#: Reserved for fiction and examples (NANP 555-01XX).
PHONE_REPLACEMENT = "+1 555 0100"
_PHONE = r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])"
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


def _is_phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    return 9 <= digits <= 15 and not _DATE.match(candidate)


@lru_cache(maxsize=1)
def _maskers() -> tuple[PIIFormatter, PIIReplacer]:
    return PIIFormatter(), PIIReplacer(_PHONE, PHONE_REPLACEMENT, validator=_is_phone)


def mask_pii(text: str) -> str:
    """``text`` with e-mail addresses, public IPs and phone numbers replaced."""
    formatter, phones = _maskers()
    return phones.replace(formatter.format(text))


def mask_pii_column(table: pa.Table) -> pa.Table:
    """``table`` with its ``text`` column PII-masked."""
    masked = pa.array([mask_pii(t) for t in table.column("text").to_pylist()], table.schema.field("text").type)
    return table.set_column(table.schema.get_field_index("text"), "text", masked)
