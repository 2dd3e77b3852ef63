"""EXPOSURE facts: marshmallow-sqlalchemy schemas bound to a model, pydantic classes read from ORM
objects. An auto schema exposes a new column without a code change (`automatic`)."""

from __future__ import annotations

from depmap.orm.symbols import EXPOSURE

from .helpers import assert_same, of_kind, scan_fixture, scan_source


def test_schemas_over_models():
    result, at = scan_fixture("shop/schemas.py")
    rows = [
        (f.location.line, f.location.symbol, f.access, f.detail, f.via, f.extra["model"], f.extra["model_name"],
         f.extra["fields"], f.extra["exclude"], f.extra["automatic"])
        for f in of_kind(result, EXPOSURE)
    ]  # fmt: skip
    assert_same(
        rows,
        [
            # every column but the excluded ones: a new column is exposed as soon as it is mapped
            (at["order_schema"], "shop.schemas.OrderSchema", "read", "schema", "orm", "shop.models.Order", "Order", "__all__", ["note"], True),
            (at["customer_schema"], "shop.schemas.CustomerSchema", "read", "schema", "orm", "shop.models.Customer", "Customer", ["id", "email"], [], False),
            # SQLAlchemySchema: only the declared fields
            (at["customer_card"], "shop.schemas.CustomerCard", "read", "schema", "orm", "shop.models.Customer", "Customer", ["id", "nickname"], [], False),
            # pydantic: the model they are read from is not written down
            (at["orm_model"], "shop.schemas.OrmModel", "read", "schema", "orm", None, None, [], [], False),
            (at["order_out"], "shop.schemas.OrderOut", "read", "schema", "orm", None, None, ["id", "status", "total"], [], False),
            (at["customer_out"], "shop.schemas.CustomerOut", "read", "schema", "orm", None, None, ["id", "email"], [], False),
        ],
    )  # fmt: skip
    assert not [f for f in result.facts if f.kind != EXPOSURE]  # PlainIn and the Meta classes are nothing


def test_a_schema_whose_base_comes_through_the_projects_own_module_is_an_exposure():
    """Flask apps make one `ma = Marshmallow(app)` and import it: the schema file then names neither
    sqlalchemy nor marshmallow, only `ma.ModelSchema`."""
    result = scan_source(
        """
        from app.models import Award, ma


        class AwardSchema(ma.ModelSchema):
            class Meta:
                model = Award
                include_fk = True
                dump_only = ("id", "date")
        """,
        path="app/schemas/awards.py",
    )
    rows = [(f.location.line, f.detail, f.extra["model"], f.extra["fields"], f.extra["automatic"]) for f in of_kind(result, EXPOSURE)]
    assert rows == [(5, "schema", "app.models.Award", "__all__", True)]
