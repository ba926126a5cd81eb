from decimal import Decimal

from inventory import orders
from inventory.pricing import PriceList


def test_total():
    prices = PriceList()
    prices.set("apple", Decimal("1.00"))
    order = orders.Order()
    order.add("apple", 3)
    assert orders.total(order, prices) == Decimal("3.60")


def test_fulfil(stock):
    order = orders.Order()
    order.add("apple", 2)
    orders.fulfil(order, stock)
    assert stock.levels["apple"] == 8
