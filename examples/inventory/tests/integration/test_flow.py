from decimal import Decimal

from inventory.orders import Order, fulfil, total
from inventory.pricing import PriceList
from inventory.reports import restock_report


class TestFlow:
    def test_order_then_report(self, stock):
        order = Order()
        order.add("apple", 8)
        fulfil(order, stock)
        assert restock_report(stock) == "restock: apple, pear"

    def test_priced_order(self):
        prices = PriceList()
        prices.set("pear", Decimal("2.50"))
        order = Order()
        order.add("pear", 2)
        assert total(order, prices) == Decimal("6.00")
