"""The frameworks' own rules for a model's table name when the code does not spell it out.

>>> django_table("sales", "OrderLine")
'sales_orderline'
>>> snake_case("HTTPRequestLog")
'http_request_log'
>>> app_module_of("shop.orders.models.order")
'shop.orders'
"""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def snake_case(name: str) -> str:
    """Flask-SQLAlchemy's implicit `__tablename__`: CamelCase -> camel_case."""
    return _CAMEL_BOUNDARY.sub(r"_\1", name).lower()


def django_table(app_label: str, class_name: str) -> str:
    """Django's default `db_table`: `<app_label>_<model name lower-cased>`."""
    return f"{app_label}_{class_name.lower()}"


def app_module_of(module: str) -> str:
    """The Django app package a module belongs to: the package holding `models`/`migrations`.

    `shop.orders.models` and `shop.orders.models.order` -> `shop.orders`;
    `shop.orders.migrations.0002_x` -> `shop.orders`; any other module -> its package.
    """
    parts = module.split(".")
    for marker in ("models", "migrations"):
        if marker in parts[1:]:
            return ".".join(parts[: parts.index(marker, 1)])
    return ".".join(parts[:-1]) or module


def default_app_label(app_module: str) -> str:
    """Django's AppConfig.label default: the last component of the app's name."""
    return app_module.rsplit(".", 1)[-1]


def qualify_table(table: str, schema: str | None, default_schemas: tuple[str, ...] = ("public",)) -> str:
    return f"{schema}.{table}" if schema and schema not in default_schemas else table
