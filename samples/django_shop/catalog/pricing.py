"""Currency conversion for displayed prices.

Rates are loaded once per process from the finance team's feed; nothing in this module
touches the database.
"""

from decimal import ROUND_HALF_UP, Decimal


class ExchangeRates:
    """Process-wide EUR exchange rates, keyed by ISO currency code."""

    objects: dict[str, Decimal] = {"EUR": Decimal("1")}

    @classmethod
    def refresh(cls, feed: dict[str, str]) -> None:
        cls.objects.update({code: Decimal(rate) for code, rate in feed.items()})


def convert(amount: Decimal, currency: str) -> Decimal:
    """Converts a EUR amount to ``currency``, rounded to cents."""
    rate = ExchangeRates.objects.get(currency)
    if rate is None:
        raise KeyError(f"no exchange rate for {currency}")
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
