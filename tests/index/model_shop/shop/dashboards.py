from shop.orders.views import OrderList
from shop.reports import open_count


class RecentOrders(OrderList):
    paginate_by = 20


def summary():
    return {"open": open_count()}
