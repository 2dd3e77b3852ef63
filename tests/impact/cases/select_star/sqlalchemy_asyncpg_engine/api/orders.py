"""FastAPI order routes on an async SQLAlchemy engine."""

import os

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine(f"postgresql+asyncpg://api@{os.environ['DB_HOST']}/shop", pool_size=10)


async def get_order(order_id: int) -> dict:
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT * FROM orders WHERE id = :id"), {"id": order_id})  # depmap-expect: select-star breaking
        return dict(result.mappings().one())


async def get_status(order_id: int) -> str:
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT status FROM orders WHERE id = :id"), {"id": order_id})
        return result.scalar_one()
