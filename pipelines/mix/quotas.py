"""Integer quotas by the largest-remainder (Hamilton) method, in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence


def largest_remainder(total: int, weights: Sequence[int | float | Fraction]) -> list[int]:
    """Split the integer ``total`` into integers proportional to ``weights`` that add up to
    exactly ``total``: floors first, then one extra unit to the largest fractional parts
    (ties go to the earlier weight). All-zero weights split evenly."""
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    if not weights:
        if total:
            raise ValueError(f"cannot split {total} over no weights")
        return []
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError(f"weights must be >= 0, got {list(weights)}")
    weight_sum = sum(exact)
    if weight_sum == 0:
        exact, weight_sum = [Fraction(1)] * len(exact), Fraction(len(exact))
    shares = [total * w / weight_sum for w in exact]
    quotas = [share.numerator // share.denominator for share in shares]
    left = total - sum(quotas)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - quotas[i]), i))
    for i in by_remainder[:left]:
        quotas[i] += 1
    return quotas
