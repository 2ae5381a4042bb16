"""PII masking: e-mails, public IPs and the region's phone formats go; dates, years, prices stay."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.quality.pii import PHONE_REPLACEMENT, mask_pii, mask_pii_column


@pytest.mark.parametrize(
    "phone",
    ["+65 6123 4567", "+62 812-3456-7890", "012-345 6789", "(02) 123 4567", "+84 24 3825 1234", "+60 3-2161 2345"],
)
def test_phone_numbers_are_masked(phone):
    masked = mask_pii(f"Call us on {phone} today.")
    assert phone not in masked and PHONE_REPLACEMENT in masked


@pytest.mark.parametrize(
    "text",
    ["Founded in 1998, it sold 12,500 units at RM 1,299.00.", "The meeting is on 2024-03-04 at 10.30.",
     "Population: 5 917 600 people.", "ISBN 978-3-16-148410-0 is a book.", "Private network 192.168.1.20 only."],
)
def test_numbers_that_are_not_pii_stay(text):
    assert mask_pii(text) == text


def test_emails_and_public_ips_are_masked():
    masked = mask_pii("Write to siti.nur@contoh.com.my or visit 8.8.8.8 now.")
    assert "siti.nur@contoh.com.my" not in masked and "8.8.8.8" not in masked
    assert "@example." in masked


def test_mask_pii_column_keeps_the_other_columns():
    table = pa.table({"id": ["a"], "text": pa.array(["mail me: a.b@c.org"], pa.large_string())})
    masked = mask_pii_column(table)
    assert masked.column("id").to_pylist() == ["a"] and "a.b@c.org" not in masked.column("text")[0].as_py()
    assert masked.schema == table.schema
