"""The words that name a table, read from the index of small projects: Django, SQLAlchemy, dbt."""

from __future__ import annotations

from pathlib import Path

from depmap.index.build import build_index
from depmap.mentions.names import NameForm, table_names


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def forms_of(root: Path, table: str) -> list[tuple[str, str, bool, tuple[str, ...]]]:
    index = build_index(root, jobs=1)
    names = table_names([table], index.facts, index.catalog, index.graph)
    return [(f.text, f.kind, f.lookup_only, f.links) for f in names.forms]


DJANGO = {
    "blog/__init__.py": "",
    "blog/models.py": '''\
from django.db import models


class Authored(models.Model):
    author = models.ForeignKey("blog.Author", on_delete=models.CASCADE, related_name="%(class)ss")

    class Meta:
        abstract = True


class Author(models.Model):
    name = models.CharField(max_length=80)


class Tag(models.Model):
    label = models.CharField(max_length=30)


class Post(Authored):
    tags = models.ManyToManyField(Tag, related_name="posts")
    editor = models.ForeignKey(Author, on_delete=models.SET_NULL, null=True, related_name="edited", related_query_name="edit")
    reviewer = models.ForeignKey(Author, on_delete=models.SET_NULL, null=True)
    ghost = models.ForeignKey(Author, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        db_table = "posts"


class Cover(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE)


class Series(models.Model):
    entries = models.ManyToManyField(Post)
''',
}


def test_django_model_class_accessors_query_names_and_the_default_table(tmp_path: Path) -> None:
    assert forms_of(write(tmp_path, DJANGO), "posts") == [
        ("Post", "model", False, ("blog.models.Post",)),
        ("blog_post", "default_table", False, ()),  # db_table overrides it; old SQL may still say it
        ("edit", "query_name", False, ("blog.models.Author", "blog.models.Post")),
        ("edited", "accessor", False, ("blog.models.Author", "blog.models.Post")),
        ("entries", "accessor", False, ("blog.models.Post", "blog.models.Series")),  # a many-to-many pointing here
        ("post", "query_name", True, ("blog.models.Author", "blog.models.Post")),  # `post__title`, never `post`
        ("post_set", "accessor", False, ("blog.models.Author", "blog.models.Post")),
        # author.posts (%(class)ss, from the abstract base) and tag.posts
        ("posts", "accessor", False, ("blog.models.Author", "blog.models.Post", "blog.models.Tag")),
        ("posts", "table", False, ()),
    ]


def test_django_one_to_one_reverse_accessor_is_the_class_name(tmp_path: Path) -> None:
    forms = forms_of(write(tmp_path, DJANGO), "blog_cover")
    assert [(text, kind, lookup) for text, kind, lookup, _ in forms] == [
        ("Cover", "model", False),
        ("blog_cover", "table", False),
        ("cover", "accessor", False),  # post.cover
        ("cover", "query_name", True),
    ]


SQLALCHEMY = {
    "app/models.py": '''\
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    orders: Mapped[list["Order"]] = relationship(back_populates="customer")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = {"schema": "sales"}
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    customer: Mapped[Customer] = relationship(back_populates="orders")
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"))
    coupon = relationship("Coupon", backref="redeemed_by")


class Coupon(Base):
    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(primary_key=True)
''',
}


def test_sqlalchemy_relationships_to_the_model_and_its_backrefs(tmp_path: Path) -> None:
    assert forms_of(write(tmp_path, SQLALCHEMY), "sales.orders") == [
        ("Order", "model", False, ("app.models.Order",)),
        ("orders", "accessor", False, ("app.models.Customer", "app.models.Order")),  # Customer.orders, and back_populates
        ("orders", "table", False, ()),
        ("redeemed_by", "accessor", False, ("app.models.Coupon", "app.models.Order")),  # coupon.redeemed_by
        ("sales.orders", "table", False, ()),
    ]


DBT = {
    "dbt_project.yml": "name: shop\nversion: '1'\nconfig-version: 2\nmodel-paths: ['models']\n",
    "models/sources.yml": """\
version: 2
sources:
  - name: shop
    tables:
      - name: order_lines
        identifier: order_items
""",
    "models/stg_order_lines.sql": "select id, order_id from {{ source('shop', 'order_lines') }}\n",
    "models/line_totals.sql": "select order_id, count(*) as n from {{ ref('stg_order_lines') }} group by order_id\n",
}


def test_dbt_source_name_and_the_views_built_on_the_table(tmp_path: Path) -> None:
    assert forms_of(write(tmp_path, DBT), "shop.order_items") == [
        ("order_items", "table", False, ()),
        ("order_lines", "dbt", False, ()),  # source('shop', 'order_lines')
        ("shop.order_items", "table", False, ()),
        ("stg_order_lines", "view", False, ()),  # the dbt model reading it directly, not line_totals
    ]


def test_a_dbt_model_is_named_by_its_model_name(tmp_path: Path) -> None:
    forms = forms_of(write(tmp_path, DBT), "stg_order_lines")
    assert forms == [("line_totals", "view", False, ()), ("stg_order_lines", "dbt", False, ()), ("stg_order_lines", "table", False, ())]


def test_one_letter_words_are_never_searched() -> None:
    assert NameForm("t", "table").text == "t"
    index_free = table_names(["t"], [], _EmptyCatalog(), _NoGraph())
    assert index_free.forms == ()


class _EmptyCatalog:
    def get(self, name: str) -> None:
        return None


class _NoGraph:
    def downstream(self, table: str) -> list:
        return []
