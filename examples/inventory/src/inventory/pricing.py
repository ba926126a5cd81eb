from __future__ import annotations

from decimal import Decimal

VAT = Decimal("0.20")


def net_to_gross(net: Decimal) -> Decimal:
    return (net * (1 + VAT)).quantize(Decimal("0.01"))


def discount(price: Decimal, percent: int) -> Decimal:
    if not 0 <= percent <= 100:
        raise ValueError(f"discount {percent}% is out of range")
    return (price * (100 - percent) / 100).quantize(Decimal("0.01"))


class PriceList:
    def __init__(self) -> None:
        self._prices: dict[str, Decimal] = {}

    def set(self, sku: str, net: Decimal) -> None:
        self._prices[sku] = net

    def gross(self, sku: str) -> Decimal:
        return net_to_gross(self._prices[sku])
