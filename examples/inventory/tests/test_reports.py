from inventory.reports import restock_report


def test_restock_report(stock):
    assert restock_report(stock) == "restock: pear"


def test_all_stocked(stock):
    stock.receive("pear", 10)
    assert restock_report(stock) == "all stocked"
