from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from inventory.pricing import PriceList
from inventory.stock import Stock


@dataclass
class Order:
    lines: list[tuple[str, int]] = field(default_factory=list)

    def add(self, sku: str, quantity: int) -> None:
        self.lines.append((sku, quantity))


def total(order: Order, prices: PriceList) -> Decimal:
    return sum((prices.gross(sku) * qty for sku, qty in order.lines), Decimal("0"))


def fulfil(order: Order, stock: Stock) -> None:
    for sku, quantity in order.lines:
        stock.take(sku, quantity)
