"""ORM_ACCESS facts: every read and write of a model or Core table, at its line, in its function.

Rows are (line, symbol, access, detail, confidence, who, fields, all_fields), see
`helpers.access_row`; each fixture's rows are compared whole, so a missing, an extra or a
misplaced fact fails.
"""

from __future__ import annotations

import textwrap

from depmap.model import HIGH, LOW, MEDIUM
from depmap.orm.symbols import ORM_ACCESS
from depmap.frameworks.sqlalchemy.queries import might_query

from .helpers import access_row, accesses, assert_same, markers, of_kind, scan_fixture, scan_source

ORDER, CUSTOMER = "shop.models.Order", "shop.models.Customer"
R, W = "read", "write"
Q, C, U, D = "orm_query", "orm_create", "orm_update", "orm_delete"


def test_sqlalchemy_2_service():
    result, at = scan_fixture("shop/service.py")
    repo = "OrderRepository"
    assert_same(
        accesses(result, "shop.service"),
        [
            # a multi-line select: the joined model gets its own fact; OrderStatus.open is an enum
            (at["open_orders"], f"{repo}.open_orders_for", R, Q, HIGH, ORDER, ("customer_id", "status", "tags", "created_at"), False),
            (at["open_orders"], f"{repo}.open_orders_for", R, Q, HIGH, CUSTOMER, ("id", "email"), False),
            (at["totals"], f"{repo}.totals", R, Q, HIGH, ORDER, ("customer_id", "total"), False),
            (at["by_id"], f"{repo}.by_id", R, Q, HIGH, ORDER, (), False),
            # select(func.count()).select_from(Customer).filter_by(vip=True)
            (at["count_vip"], f"{repo}.count_vip", R, Q, HIGH, CUSTOMER, ("vip",), False),
            # an instance built by the caller: a create whose fields are not known here
            (at["add_param"], f"{repo}.add", W, C, MEDIUM, ORDER, (), False),
            # o = O(...); o.status = ...; (maybe) o.note = ...; session.add(o)
            (at["place_new"], "place_order", W, C, HIGH, ORDER, ("customer_id", "total", "status", "note"), False),
            (at["place_customer"], "place_order", W, C, HIGH, CUSTOMER, ("email",), True),  # **extra
            (at["cancel_get"], "cancel", R, Q, HIGH, ORDER, (), False),
            (at["cancel_attr"], "cancel", W, U, MEDIUM, ORDER, ("status",), False),
            (at["cancel_setattr"], "cancel", W, U, MEDIUM, ORDER, ("note",), False),
            (at["cancel_update"], "cancel", W, U, HIGH, ORDER, ("status", "updated_at"), False),
            (at["cancel_update"], "cancel", R, U, HIGH, ORDER, ("id", "status"), False),
            (at["purge"], "purge", W, D, HIGH, ORDER, (), False),
            (at["purge"], "purge", R, D, HIGH, ORDER, ("created_at",), False),
            (at["stale"], "purge", R, Q, HIGH, ORDER, ("status",), False),
            (at["stale_delete"], "purge", W, D, HIGH, ORDER, (), False),
            # execute(insert(O), rows): the rows' keys are the columns
            (at["import_exec"], "import_orders", W, C, HIGH, ORDER, ("customer_id", "total"), False),
            (at["import_values"], "import_orders", W, C, HIGH, ORDER, ("customer_id", "total"), False),
            (at["import_rows"], "import_orders", W, C, HIGH, ORDER, (), True),  # rows unknown statically
            (at["bulk_insert"], "import_orders", W, C, HIGH, ORDER, ("customer_id", "total", "status"), False),
            (at["bulk_update"], "import_orders", W, U, HIGH, CUSTOMER, ("id", "vip"), False),
            (at["add_all"], "import_orders", W, C, HIGH, ORDER, ("customer_id", "total"), False),
            (at["add_all"], "import_orders", W, C, HIGH, CUSTOMER, ("email",), False),
            (at["merge"], "import_orders", W, U, HIGH, CUSTOMER, ("id", "nickname"), False),
            # postgresql insert ... on conflict do update: a create and an update
            (at["upsert"], "import_orders", W, C, HIGH, CUSTOMER, ("email",), False),
            (at["upsert"], "import_orders", W, U, HIGH, CUSTOMER, ("nickname",), False),
            (at["touch_loop"], "touch_all", R, Q, HIGH, ORDER, ("status",), False),
            (at["touch_attr"], "touch_all", W, U, MEDIUM, ORDER, ("updated_at",), False),
            # aliased(Customer) is Customer
            (at["aliased"], "touch_all", R, Q, HIGH, ORDER, ("id", "customer_id"), False),
            (at["aliased"], "touch_all", R, Q, HIGH, CUSTOMER, ("email", "id"), False),
            (at["rename_attr"], "rename", W, U, MEDIUM, CUSTOMER, ("nickname",), False),
            # Core: through the imported Table variable
            (at["pay_insert"], "record_payment", W, C, HIGH, "@shop.tables.payments", ("order_id", "amount"), False),
            (at["pay_select"], "record_payment", R, Q, HIGH, "@shop.tables.payments", ("order_id", "id"), False),
            (at["pay_update"], "record_payment", W, U, HIGH, "@shop.tables.payments", ("state",), False),
            (at["pay_update"], "record_payment", R, U, HIGH, "@shop.tables.payments", ("id",), False),
            (at["pay_core_select"], "record_payment", R, Q, HIGH, "@shop.tables.payments", ("amount", "state"), False),
            # a class held in a variable: a guess, labelled as one
            # a parameter queried as a model: whatever model each caller passes (`depmap.orm.calls`)
            (at["generic_query"], "generic", R, Q, HIGH, "?model", (), False),
            (at["generic_delete"], "generic", W, D, LOW, "?obj", (), False),
        ],
    )  # fmt: skip


def test_fact_shape_and_end_line():
    result, at = scan_fixture("shop/service.py")
    fact = next(f for f in of_kind(result, ORM_ACCESS) if f.location.line == at["cancel_update"] and f.access == "write")
    assert (fact.table, fact.columns, fact.via, fact.location.path, fact.location.symbol) == ("", (), "orm", "shop/service.py", "shop.service.cancel")
    assert fact.location.end_line == at["cancel_update"] + 2  # update(O) .where(...) .values(...)
    assert fact.extra == {
        "model": ORDER, "model_name": "O", "relation": [], "fields": ["status", "updated_at"],
        "all_fields": False, "aliases": [],
        # written where .values() names them, not where .where() reads status first
        "field_lines": {"status": at["cancel_update"] + 2, "updated_at": at["cancel_update"] + 2},
    }  # fmt: skip
    assert fact.snippet.startswith('update(O) .where(O.id == order_id, O.status != "shipped") .values(')
    guess = next(f for f in of_kind(result, ORM_ACCESS) if f.location.line == at["generic_query"])
    assert (guess.extra["model"], guess.extra["receiver"], guess.extra["callable"]) == (None, "arg:1:model", "shop.service.generic")
    core = next(f for f in of_kind(result, ORM_ACCESS) if f.location.line == at["pay_insert"])
    assert (core.extra["model"], core.extra["model_name"], core.extra["table_binding"]) == (None, "payments", "shop.tables.payments")


def test_core_tables_of_the_same_module():
    result, at = scan_fixture("shop/reports.py")
    binding = "@shop.reports.daily_totals"
    assert_same(
        accesses(result, "shop.reports"),
        [
            (at["refresh_delete"], "refresh", W, D, HIGH, binding, (), False),
            (at["refresh_delete"], "refresh", R, D, HIGH, binding, ("day",), False),
            (at["refresh_insert"], "refresh", W, C, HIGH, binding, ("day", "total"), False),
            (at["refresh_select"], "refresh", R, Q, HIGH, binding, ("day",), False),
            # metadata.tables["daily_totals"] names the table itself
            (at["by_name"], "by_name", R, Q, HIGH, "table:daily_totals", ("total",), False),
        ],
    )


def test_flask_sqlalchemy_views():
    result, at = scan_fixture("blog/views.py")
    post, user = "blog.models.Post", "blog.models.User"
    assert_same(
        accesses(result, "blog.views"),
        [
            (at["show_get"], "show", R, Q, HIGH, post, (), False),
            (at["show_views"], "show", W, U, MEDIUM, post, ("views",), False),  # post.views += 1
            (at["show_related"], "show", R, Q, HIGH, post, ("author_id", "id", "published_at"), False),
            (at["create_author"], "create", R, Q, HIGH, user, ("username",), False),
            (at["create_new"], "create", W, C, HIGH, post, ("title", "author", "body"), False),
            (at["destroy_get"], "destroy", R, Q, HIGH, post, (), False),
            (at["destroy_delete"], "destroy", W, D, HIGH, post, (), False),
            (at["destroy_orphans"], "destroy", W, D, HIGH, post, (), False),
            (at["destroy_orphans"], "destroy", R, D, HIGH, post, ("author_id",), False),
            (at["users_page"], "users", R, Q, HIGH, user, ("username",), False),
        ],
    )


def test_sqlmodel_app():
    result, at = scan_fixture("heroes/app.py")
    hero = "heroes.app.Hero"
    assert_same(
        accesses(result, "heroes.app"),
        [
            # Hero.model_validate(data) sets whatever the data holds
            (at["create_new"], "create_hero", W, C, HIGH, hero, (), True),
            (at["read_heroes"], "read_heroes", R, Q, HIGH, hero, ("age",), False),
            (at["update_get"], "update_hero", R, Q, HIGH, hero, (), False),
            (at["update_all"], "update_hero", W, U, MEDIUM, hero, (), True),
            # `hero: HeroUpdate` is a schema (no table=True): writing to it is not a database write
        ],
    )


def test_nothing_that_merely_looks_like_orm_code():
    result, _ = scan_fixture("shop/negatives.py")
    assert accesses(result, "shop.negatives") == []


def test_awkward_forms():
    result = scan_source(
        """\
        import sqlalchemy as sa
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import Session
        from app.models import *
        from app import models
        from . import models as local_models


        class Invoice(models.Base):
            __tablename__ = "invoices"
            id = sa.Column(sa.Integer, primary_key=True)


        async def fetch(session: AsyncSession, invoice_id):
            invoice = await session.get(Invoice, invoice_id)
            invoice.number = "X"
            result = await session.execute(sa.select(Invoice).where(Invoice.id == invoice_id))
            inv = result.scalar_one()
            inv.paid = True


        def engine_code(engine):
            with Session(engine) as s, s.begin():
                s.add(Invoice(number="A"))
                lines = s.scalars(sa.select(local_models.Line).where(local_models.Line.invoice_id == 1)).all()
                for line in lines:
                    line.amount = 0
            Order.query.filter_by(status="x").all()
            stmt = sa.select(Invoice.id).where(Invoice.id.in_(sa.select(models.Payment.invoice_id)))
            session_factory().query(Invoice).filter(Invoice.id > 3).update({Invoice.total: 0})
            sa.insert(models.Archive).from_select(["id", "total"], sa.select(Invoice.id, Invoice.total))
            sa.select(Invoice).join(Invoice.lines)
        """,
        path="app/billing.py",
    )
    invoice, line, payment, archive = "app.billing.Invoice", "app.models.Line", "app.models.Payment", "app.models.Archive"
    assert_same(
        accesses(result, "app.billing"),
        [
            (15, "fetch", R, Q, HIGH, invoice, (), False),  # await session.get(...)
            (16, "fetch", W, U, MEDIUM, invoice, ("number",), False),
            (17, "fetch", R, Q, HIGH, invoice, ("id",), False),
            (19, "fetch", W, U, MEDIUM, invoice, ("paid",), False),  # result.scalar_one() of a select on Invoice
            (24, "engine_code", W, C, HIGH, invoice, ("number",), False),  # `with Session(engine) as s`
            (25, "engine_code", R, Q, HIGH, line, ("invoice_id",), False),  # relative import alias
            (27, "engine_code", W, U, MEDIUM, line, ("amount",), False),  # for line in lines
            # star import: the name cannot be resolved, the guess says so
            (28, "engine_code", R, Q, LOW, "?Order", ("status",), False),
            # a subquery is a read of its own, on the same line
            (29, "engine_code", R, Q, HIGH, invoice, ("id",), False),
            (29, "engine_code", R, Q, HIGH, payment, ("invoice_id",), False),
            # Query.update with column keys
            (30, "engine_code", W, U, HIGH, invoice, ("total",), False),
            (30, "engine_code", R, U, HIGH, invoice, ("id",), False),
            # INSERT ... FROM SELECT: the insert's columns, and the select's reads
            (31, "engine_code", W, C, HIGH, archive, ("id", "total"), False),
            (31, "engine_code", R, Q, HIGH, invoice, ("id", "total"), False),
            (32, "engine_code", R, Q, HIGH, invoice, ("lines",), False),  # join along a relationship
        ],
    )
    guess = next(f for f in of_kind(result, ORM_ACCESS) if f.location.line == 28)
    assert guess.extra["reason"] == "`Order` is not imported or defined in this module"


def test_module_level_usage_and_instances_written_after_add():
    result = scan_source(
        """\
        from app.db import session
        from app.models import Setting

        DEFAULTS = session.query(Setting).filter(Setting.scope == "global").all()

        def seed():
            setting = Setting(key="theme")
            session.add(setting)
            setting.value = "dark"
            return setting

        def build_only():
            draft = Setting(key="draft")
            draft.value = "x"
            return draft
        """
    )
    assert_same(
        accesses(result, "app.service"),
        [
            (4, "app.service", R, Q, HIGH, "app.models.Setting", ("scope",), False),
            # set after add(): still part of the INSERT at flush, which sits at the constructor;
            # an instance never added is no write
            (7, "seed", W, C, HIGH, "app.models.Setting", ("key", "value"), False),
        ],
    )


def test_other_query_methods_and_session_like_objects_are_not_orm():
    result = scan_source(
        """\
        import requests
        from elasticsearch_dsl import Search
        from app.models import Order

        def search(es, term):
            s = requests.Session()
            s.get("https://example.com/orders")
            s.delete("https://example.com/orders/1")
            es.query("match", status=term)
            Search().query("match", title=term)
            orders = [Order]
            orders.append(Order)
            bag = set()
            bag.add(Order(status="x"))
        """
    )
    assert accesses(result, "app.service") == []


def test_prefilter():
    assert might_query("from sqlalchemy import select")
    assert might_query("posts = Post.query.all()")
    assert might_query("db.session.add(post)")
    assert might_query("self.session.execute(stmt)")
    assert might_query("conn.execute(orders.insert().values(a=1))")
    assert not might_query("import requests\nrequests.get(url)\n")
    assert not might_query("def query_string(params):\n    return '&'.join(params)\n")


def test_prefilter_lets_core_statements_through_but_not_django_code():
    assert might_query("conn.execute(daily_totals.delete().where(daily_totals.c.day == day))")
    assert might_query("conn.execute(users.delete())")
    assert might_query("session.execute(payments.update().where(payments.c.id == 1))")
    assert might_query("rows = Post.query\n    .filter(Post.id == 1)")
    assert might_query("stmt = orders.select()")
    django_view = (
        "def forget(request, code):\n"
        "    request.session.get('remembered')\n"
        "    Check.objects.filter(code=code).delete()\n"
        "    return self.query\n"
    )
    assert not might_query(django_view)


def test_methods_of_a_model_write_their_own_row():
    result, at = scan_fixture("shop/models.py")
    cancel = at["order"] + 13  # `self.status = "cancelled"` in Order.cancel
    assert accesses(result, "shop.models") == [(cancel, "Order.cancel", W, U, MEDIUM, ORDER, ("status",), False)]


def test_instances_from_annotations_statement_variables_and_results():
    result = scan_source(
        """\
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.deps import current_user
        from app.models import Order, User

        CurrentUser = Annotated[User, Depends(current_user)]

        def rename(session: Session, user: CurrentUser, me: Annotated[User, Depends(current_user)], name: str):
            user.full_name = name
            session.add(user)
            me.nickname = name

        def close_latest(session: Session):
            stmt = select(Order).where(Order.status == "open").order_by(Order.id.desc())
            order = session.scalars(stmt).first()
            order.status = "closed"
            result = session.execute(select(Order).where(Order.id == 1))
            again = result.scalar_one()
            again.status = "closed"
        """
    )
    user, order = "app.models.User", "app.models.Order"
    assert_same(
        accesses(result, "app.service"),
        [
            (13, "rename", W, U, MEDIUM, user, ("full_name",), False),
            # add() of an instance modified here is its UPDATE, already reported: no create
            (15, "rename", W, U, MEDIUM, user, ("nickname",), False),
            (18, "close_latest", R, Q, HIGH, order, ("status", "id"), False),
            (20, "close_latest", W, U, MEDIUM, order, ("status",), False),
            (21, "close_latest", R, Q, HIGH, order, ("id",), False),
            (23, "close_latest", W, U, MEDIUM, order, ("status",), False),
        ],
    )


def test_subqueries_and_ctes_are_not_tables():
    result = scan_source(
        """\
        from sqlalchemy import func, select

        from app.models import Order, Payment

        def paid_totals(session):
            paid = select(Payment.order_id, func.sum(Payment.amount).label("paid")).group_by(Payment.order_id).subquery()
            return session.execute(select(Order.id, paid.c.paid).join(paid, paid.c.order_id == Order.id))
        """
    )
    assert_same(
        accesses(result, "app.service"),
        [
            (6, "paid_totals", R, Q, HIGH, "app.models.Payment", ("order_id", "amount"), False),
            (7, "paid_totals", R, Q, HIGH, "app.models.Order", ("id",), False),
        ],
    )


def test_cls_in_a_models_classmethod_is_the_model():
    # redash: `Dashboard.get_by_slug_and_org` and `Query.create(**kwargs)`.
    source = (
        "from app.db import db\n"
        "\n"
        "\n"
        "class Dashboard(db.Model):\n"
        '    __tablename__ = "dashboards"\n'
        "    slug = db.Column(db.String(140))\n"
        "\n"
        "    @classmethod\n"
        "    def get_by_slug(cls, slug):\n"
        "        return cls.query.filter(cls.slug == slug).one()\n"
        "\n"
        "    @classmethod\n"
        "    def create(cls, **kwargs):\n"
        "        dashboard = cls(**kwargs)\n"
        "        db.session.add(dashboard)\n"
        "        return dashboard\n"
    )
    facts = of_kind(scan_source(source, "app/models.py"), "orm_access")
    assert [(f.location.line, f.location.symbol, f.access, f.detail, f.extra["model"], f.extra["fields"], f.extra["all_fields"]) for f in facts] == [
        (10, "app.models.Dashboard.get_by_slug", "read", "orm_query", "app.models.Dashboard", ["slug"], False),
        (14, "app.models.Dashboard.create", "write", "orm_create", "app.models.Dashboard", [], True),
    ]


def test_each_field_at_the_line_of_its_first_reference():
    text = """\
        from sqlalchemy import select, update
        from app.models import Customer, Order


        def open_orders(session, email):
            stmt = (
                select(Order.id, Order.total)  # [select]
                .join(Customer)
                .where(
                    Order.status == "open",
                    Customer.email == email,
                )
                .order_by(Order.created_at)
            )
            return session.execute(stmt).all()


        def close(session, ids):
            session.execute(
                update(Order)  # [update]
                .where(Order.id.in_(ids), Order.status == "open")
                .values(
                    status="closed",
                    closed_at=None,
                )
            )
    """
    at = markers(textwrap.dedent(text))
    found = {(f.location.line, f.extra["model"], f.access): f.extra.get("field_lines")
             for f in of_kind(scan_source(text), ORM_ACCESS)}  # fmt: skip
    select, update = at["select"], at["update"]
    assert found == {
        # the fact is at `select(`: Order.id and Order.total are on its line
        (select, "app.models.Order", "read"): {"status": select + 3, "created_at": select + 6},
        (select, "app.models.Customer", "read"): {"email": select + 4},
        # the UPDATE writes `status` where .values() names it; the WHERE reads it on the line above
        (update, "app.models.Order", "read"): {"id": update + 1, "status": update + 1},
        (update, "app.models.Order", "write"): {"status": update + 3, "closed_at": update + 4},
    }


def test_loader_options_load_relationships_whole():
    result = scan_source(
        """\
        from sqlalchemy import select
        from sqlalchemy.orm import Session, joinedload, selectinload

        from shop.models import Customer, Order, OrderLine


        def order_page(session: Session, order_id: int):
            order = session.get(Order, order_id, options=[selectinload(Order.customer)])
            lines = session.scalars(
                select(Order)
                .options(joinedload(Order.lines).joinedload(OrderLine.product))
                .where(Order.id == order_id)
            ).all()
            plain = session.scalars(select(Customer).where(Customer.email == "x")).all()
            return order, lines, plain
        """
    )
    loaded = sorted((f.location.line, f.extra["model_name"], tuple(f.extra.get("related", ()))) for f in of_kind(result, ORM_ACCESS))
    assert loaded == [
        (8, "Order", ("customer",)),
        (10, "Order", ("lines__product", "lines")),  # the chained loader, and the path it starts from
        (14, "Customer", ()),
    ]


def test_attribute_reads_and_whole_rows():
    source = (
        "from sqlalchemy import select\n"
        "from sqlalchemy.orm import Session, load_only\n"
        "from app.models import Order\n"
        "\n"
        "def report(session: Session, order_id: int, given: Order):\n"
        "    order = session.get(Order, order_id)\n"
        "    total = order.total + given.discount\n"
        "    draft = Order(total=1)\n"
        "    print(draft.total, order.refresh())\n"
        "    rows = session.scalars(select(Order).where(Order.status == 'open')).all()\n"
        "    n = session.query(Order).count()\n"
        "    light = session.scalars(select(Order).options(load_only(Order.total))).all()\n"
        "    return total, n, rows, light\n"
    )
    facts = of_kind(scan_source(source, "app/report.py"), "orm_access")
    assert sorted((f.location.line, f.detail, f.extra["model_name"], f.extra["fields"], bool(f.extra.get("rows"))) for f in facts) == [
        (6, "orm_query", "Order", [], True),  # session.get: one whole row
        # a loaded row's attribute, and an annotated one's (kept: Order is queried in this file)
        (7, "orm_attribute", "Order", ["discount"], False),
        (7, "orm_attribute", "Order", ["total"], False),
        (10, "orm_query", "Order", ["status"], True),
        (11, "orm_query", "Order", [], False),  # count(): no row loaded
        (12, "orm_query", "Order", ["total"], False),  # load_only: not the whole row
    ]  # `draft.total` is a row built here, `order.refresh` a method: neither is read from the table


def test_a_query_held_in_a_variable_is_read_where_it_is_refined_and_where_it_runs():
    """Reporting code builds a query, narrows it under a condition, then runs it: each line that
    narrows it names columns, and the line that runs it is where the statement executes."""
    result = scan_source(
        """\
        import datetime

        from app.models import Award, Order, db


        def awards_of(user_id, freeze=None):
            awards = Award.query.filter_by(user_id=user_id).order_by(Award.date.desc())
            if freeze:
                awards = awards.filter(Award.date < datetime.datetime.utcfromtimestamp(freeze))
            return awards.all()


        def standings(freeze=None):
            scores = (
                db.session.query(Award.account_id.label("account_id"), db.func.sum(Award.value).label("score"))
                .filter(Award.value != 0)
                .group_by(Award.account_id)
            )
            if freeze:
                scores = scores.filter(Award.date < freeze)
            ranked = scores.order_by(db.desc("score")).all()
            return ranked, scores.count(), ranked.count(ranked[0])


        def open_orders(session):
            orders = session.query(Order).filter(Order.status == "open").all()
            return orders.count(orders[0])  # a list of rows: its count() takes an argument
        """
    )
    award, order = "app.models.Award", "app.models.Order"
    rows = [access_row(fact, "app.service") + (fact.extra.get("rows", False),) for fact in of_kind(result, ORM_ACCESS)]
    assert_same(
        rows,
        [
            (7, "awards_of", R, Q, HIGH, award, ("user_id", "date"), False, True),
            (9, "awards_of", R, Q, HIGH, award, ("date",), False, True),  # narrowed
            (10, "awards_of", R, Q, HIGH, award, (), False, True),  # run: its rows, whole
            (15, "standings", R, Q, HIGH, award, ("account_id", "value"), False, False),
            (20, "standings", R, Q, HIGH, award, ("date",), False, False),  # rows of columns: none loaded whole
            (21, "standings", R, Q, HIGH, award, (), False, False),
            (22, "standings", R, Q, HIGH, award, (), False, False),  # scores.count(), not the list's
            (26, "open_orders", R, Q, HIGH, order, ("status",), False, True),
        ],
    )
