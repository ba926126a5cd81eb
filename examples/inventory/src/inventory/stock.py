from __future__ import annotations


class OutOfStock(Exception):
    pass


class Stock:
    def __init__(self) -> None:
        self.levels: dict[str, int] = {}

    def receive(self, sku: str, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self.levels[sku] = self.levels.get(sku, 0) + quantity

    def take(self, sku: str, quantity: int) -> None:
        if self.levels.get(sku, 0) < quantity:
            raise OutOfStock(sku)
        self.levels[sku] -= quantity

    def low(self, threshold: int = 5) -> list[str]:
        return sorted(sku for sku, level in self.levels.items() if level < threshold)
