from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from billing.models import Order


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def place(self, customer_id: int, total_cents: int) -> Order:
        order = Order(customer_id=customer_id, total_cents=total_cents)  # depmap-expect: not-null-without-default breaking
        self.session.add(order)
        self.session.flush()
        return order

    def place_from_app(self, customer_id: int, total_cents: int) -> Order:
        order = Order(customer_id=customer_id, total_cents=total_cents, channel="app")
        self.session.add(order)
        return order

    def import_legacy(self, rows: list[dict]) -> None:
        self.session.execute(
            insert(Order).values(customer_id=rows[0]["customer"], status="imported")  # depmap-expect: not-null-without-default breaking
        )

    def cancel(self, order_id: int) -> None:
        self.session.execute(update(Order).where(Order.id == order_id).values(status="cancelled"))
