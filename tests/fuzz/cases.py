"""Seeded mutations of the bundled samples: each case is a function `(rng, tree) -> None` that
changes files of a copied sample or adds new ones, and records every path it touched.

A tree is one sample copied to a temporary folder plus a few cases applied to it. Each case draws
only from its own `random.Random`, and picks among the sample's own files (never among files an
earlier case added), so a case replayed alone on a fresh copy does the same thing: that is how
`harness.minimise` finds which case of a failing tree is to blame.

Two families:

- byte and line damage applied to any sample file (`truncation`, `byte_flips`, `nul_bytes`, …);
- pathological inputs written for one input family (deep bracket nesting, YAML alias bombs,
  symlink loops, …), each small enough to scan in well under a couple of seconds when depmap
  handles it.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
SAMPLES_DIR = REPO / "samples"

# What depmap scans, by file name (mirrors depmap.discover.classify, written out on purpose: the
# fuzzer's idea of a scannable file must not move when the code under test does).
SCANNED_SUFFIXES = (".py", ".pyi", ".sql", ".yml", ".yaml", ".json", ".csv")


@dataclass(frozen=True)
class Sample:
    """A bundled sample and the questions asked of it: a table, a column and a migration."""

    name: str
    table: str
    column: str
    migration: str
    extra: dict[str, str] = field(default_factory=dict)  # files added to the base tree

    @property
    def source(self) -> Path:
        return SAMPLES_DIR / self.name


SAMPLES = {
    sample.name: sample
    for sample in (
        Sample("shop_sql", "orders", "status", "migrations/0004_customer_marketing.sql"),
        Sample("django_shop", "sales_order", "status", "orders/migrations/0002_order_discount_code.py"),
        Sample(
            "sqlalchemy_service",
            "billing.invoices",
            "status",
            "migrations/versions/3f2c9a11d8e4_add_invoice_due_date.py",
        ),
        Sample(
            "warehouse",
            "customers",
            "email",
            "migrations/0001_loyalty_tier.sql",
            extra={"migrations/0001_loyalty_tier.sql": "ALTER TABLE customers ADD COLUMN loyalty_tier text NOT NULL;\n"},
        ),
    )
}


class Tree:
    """A copy of a sample being mutated. `touched` holds every path (relative, POSIX) that a case
    changed, added or replaced; `outside` is a sibling folder for links that leave the tree."""

    def __init__(self, root: Path, sample: Sample, targets: list[str] | None = None) -> None:
        self.root = root
        self.sample = sample
        self.outside = root.parent / (root.name + "-outside")
        self.touched: set[str] = set()
        self.cases: list[str] = []
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(sample.source, root, symlinks=True, ignore=shutil.ignore_patterns(".depmap"))
        for rel, text in sample.extra.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        self.sample_files = sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not p.is_symlink() and p.name.endswith(SCANNED_SUFFIXES + ("dbt_project.yml",))
        )
        # The files damage may go to (all of them unless a plan restricts it to leaf files).
        self.targets = [f for f in self.sample_files if targets is None or f in targets] or self.sample_files

    # access

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def write(self, rel: str, data: bytes | str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        self.touched.add(rel)

    def pick(self, rng: random.Random, *suffixes: str) -> str | None:
        files = [f for f in self.targets if not suffixes or f.endswith(suffixes)]
        files = files or [f for f in self.sample_files if not suffixes or f.endswith(suffixes)]
        return rng.choice(files) if files else None

    def dbt_dir(self) -> str:
        """The folder of the sample's dbt project, or a new one made for the case."""
        for rel in self.sample_files:
            if rel.endswith("dbt_project.yml"):
                return os.path.dirname(rel)
        self.write("dbt/dbt_project.yml", "name: fuzz\nversion: '1.0'\nprofile: fuzz\nmodel-paths: [models]\n")
        return "dbt"


Case = Callable[[random.Random, Tree], None]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__] = function
    return function


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


# --- byte and line damage to a sample file ----------------------------------------------------


@case
def truncation(rng: random.Random, tree: Tree) -> None:
    rel = tree.pick(rng)
    data = tree.read(rel)
    tree.write(rel, data[: rng.randrange(len(data) + 1)])


@case
def byte_flips(rng: random.Random, tree: Tree) -> None:
    rel = tree.pick(rng)
    data = bytearray(tree.read(rel))
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    tree.write(rel, bytes(data))


@case
def line_deletion(rng: random.Random, tree: Tree) -> None:
    rel = tree.pick(rng)
    lines = _lines(tree.read(rel))
    for _ in range(rng.randint(1, 6)):
        if lines:
            del lines[rng.randrange(len(lines))]
    tree.write(rel, b"".join(lines))


@case
def line_duplication(rng: random.Random, tree: Tree) -> None:
    rel = tree.pick(rng)
    lines = _lines(tree.read(rel))
    for _ in range(rng.randint(1, 6)):
        line = rng.choice(lines)
        lines.insert(rng.randrange(len(lines) + 1), line * rng.randint(1, 4))
    tree.write(rel, b"".join(lines))


@case
def nul_bytes(rng: random.Random, tree: Tree) -> None:
    """NUL inside the first 8 KiB (binary sniffing) or after a long prefix (past it)."""
    rel = tree.pick(rng)
    data = bytearray(tree.read(rel))
    if rng.random() < 0.5:
        comment = b"-- pad\n" if rel.endswith(".sql") else b"# pad\n"
        data[0:0] = comment * (9000 // len(comment))
    for _ in range(rng.randint(1, 3)):
        data.insert(rng.randrange(len(data) // 2, len(data) + 1), 0)
    tree.write(rel, bytes(data))


INVALID_UTF8 = (b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe2\x82")


@case
def invalid_utf8(rng: random.Random, tree: Tree) -> None:
    rel = tree.pick(rng)
    data = bytearray(tree.read(rel))
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.choice(INVALID_UTF8)
    tree.write(rel, bytes(data))


@case
def bom(rng: random.Random, tree: Tree) -> None:
    """A UTF-8 BOM (once or twice), or the text re-encoded as UTF-16 with its BOM."""
    rel = tree.pick(rng)
    data = tree.read(rel)
    choice = rng.randrange(3)
    if choice == 0:
        tree.write(rel, b"\xef\xbb\xbf" + data)
    elif choice == 1:
        tree.write(rel, b"\xef\xbb\xbf\xef\xbb\xbf" + data)
    else:
        tree.write(rel, data.decode("utf-8", "replace").encode(rng.choice(["utf-16", "utf-16-be", "utf-16-le"])))


@case
def crlf(rng: random.Random, tree: Tree) -> None:
    rel = tree.pick(rng)
    data = tree.read(rel)
    ending = rng.choice([b"\r\n", b"\r", b"\n\r", b"\r\r\n"])
    tree.write(rel, data.replace(b"\n", ending))


@case
def huge_line(rng: random.Random, tree: Tree) -> None:
    """A line just under or far over depmap's minified-file bound (20,000 characters)."""
    rel = tree.pick(rng)
    lines = _lines(tree.read(rel))
    width = rng.choice([19_990, 20_001, rng.randint(20_000, 300_000)])
    if rel.endswith(".py"):
        line = b"PAD = '" + b"x" * width + b"'\n"
    elif rel.endswith(".sql"):
        line = b"SELECT id FROM orders WHERE note = '" + b"y" * width + b"';\n"
    else:
        line = b"# " + b"z" * width + b"\n"
    lines.insert(rng.randrange(len(lines) + 1), line)
    tree.write(rel, b"".join(lines))


@case
def empty_file(rng: random.Random, tree: Tree) -> None:
    """A sample file emptied, and new empty files of every scanned kind."""
    tree.write(tree.pick(rng), b"")
    for name in ("empty.py", "empty.sql", "empty.yml", "empty.json", "empty.csv", "empty/__init__.py"):
        tree.write(f"fuzz_empty/{name}", b"")


@case
def binary_file(rng: random.Random, tree: Tree) -> None:
    """Random bytes with a .py or .sql name, with and without NUL bytes."""
    for suffix in (".py", ".sql"):
        noise = bytes(rng.randrange(256) for _ in range(rng.randint(16, 4096)))
        tree.write(f"fuzz_binary/blob{suffix}", noise)
        tree.write(f"fuzz_binary/no_nul{suffix}", noise.replace(b"\0", b"\x01"))
    tree.write(tree.pick(rng), bytes(rng.randrange(256) for _ in range(512)))


# --- pathological Python ----------------------------------------------------------------------


@case
def python_deep_brackets(rng: random.Random, tree: Tree) -> None:
    """1,500-3,000 levels of brackets in an expression that reaches a database call."""
    depth = rng.randint(1500, 3000)
    opener, closer = rng.choice([("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")")])
    nested = opener * depth + "1" + closer * depth
    tree.write(
        "fuzz_python/deep_brackets.py",
        f'def load(cur):\n    cur.execute("SELECT id, status FROM orders WHERE id = %s", {nested})\n',
    )
    lines = ["VALUE = \\\n"] + ["(\n"] * depth + ["1\n"] + [")\n"] * depth
    tree.write("fuzz_python/deep_brackets_lines.py", "".join(lines))


@case
def python_long_implicit_concat(rng: random.Random, tree: Tree) -> None:
    """Thousands of implicitly concatenated string literals making one query."""
    count = rng.randint(1000, 3000)
    parts = ['    "SELECT id, status FROM orders "\n'] + [f'    "OR id = {i} "\n' for i in range(count)]
    text = "QUERY = (\n" + "".join(parts) + ")\n\n\ndef run(cur):\n    cur.execute(QUERY)\n"
    tree.write("fuzz_python/long_concat.py", text)


@case
def python_rot13_cookie(rng: random.Random, tree: Tree) -> None:
    """A `# coding: rot13` cookie (a codec Python refuses for source) on a sample file and a new one."""
    rel = tree.pick(rng, ".py")
    tree.write(rel, b"# coding: rot13\n" + tree.read(rel))
    tree.write("fuzz_python/rot13.py", "# -*- coding: rot13 -*-\nvzcbeg bf\nQUERY = 'FRYRPG vq SEBZ beqref'\n")


@case
def sql_lone_surrogate(rng: random.Random, tree: Tree) -> None:
    """Lone surrogate escapes inside SQL strings in Python, and CESU-8 surrogate bytes in a .sql file."""
    escape = rng.choice(["\\ud800", "\\udfff", "\\udc80"])
    tree.write(
        "fuzz_python/surrogate.py",
        "def load(cur):\n"
        f'    cur.execute("SELECT id, status FROM orders WHERE note = \'{escape}\'")\n'
        f'    cur.execute("UPDATE orders SET status = \'{escape}\' WHERE id = %s", (1,))\n'
        f'    cur.execute("SELECT {escape} FROM orders")\n',
    )
    tree.write("fuzz_sql/surrogate.sql", b"SELECT id FROM orders WHERE note = '\xed\xa0\x80';\n")


# --- pathological SQL -------------------------------------------------------------------------


@case
def sql_deep_subqueries(rng: random.Random, tree: Tree) -> None:
    """Thousands of nested subqueries, one level per line (so no line looks minified)."""
    depth = rng.randint(1000, 3000)
    text = "SELECT id FROM\n" + "(SELECT id FROM\n" * depth + "orders\n" + ") AS t\n" * depth + ";\n"
    tree.write("fuzz_sql/deep_subqueries.sql", text)
    tree.write(
        "fuzz_python/deep_subqueries.py",
        "def load(cur):\n    cur.execute('''\n" + text.replace(";", "") + "''')\n",
    )


@case
def sql_dollar_quoted(rng: random.Random, tree: Tree) -> None:
    """`$$ ... $$` and `$tag$ ... $tag$` function bodies, nested and unterminated."""
    tree.write(
        "fuzz_sql/functions.sql",
        "CREATE FUNCTION touch_order() RETURNS trigger AS $$\n"
        "BEGIN\n  UPDATE orders SET status = 'touched' WHERE id = NEW.id;\n  RETURN NEW;\nEND;\n"
        "$$ LANGUAGE plpgsql;\n\n"
        "CREATE FUNCTION outer_fn() RETURNS void AS $body$\n"
        "BEGIN\n  EXECUTE $q$ DELETE FROM orders WHERE status = 'x' $q$;\nEND;\n$body$ LANGUAGE plpgsql;\n\n"
        "DO $$ BEGIN PERFORM 1; END $$;\n"
        "SELECT id FROM orders WHERE note = $$it's$$;\n",
    )
    tree.write("fuzz_sql/unterminated.sql", "CREATE FUNCTION f() RETURNS int AS $$\nSELECT 1 FROM orders;\n" * rng.randint(1, 50))


# --- pathological YAML, TOML and dbt ----------------------------------------------------------


def _deep_yaml(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _yaml_case(tree: Tree, project_value: str, schema_value: str, name: str) -> None:
    """Put a pathological value into dbt_project.yml's vars, a schema YAML and a config YAML."""
    dbt = tree.dbt_dir()
    project = tree.root / dbt / "dbt_project.yml"
    text = project.read_text("utf-8", "replace") if project.exists() else "name: fuzz\nversion: '1.0'\n"
    if "\nvars:" in "\n" + text:
        text = text.replace("vars:", f"vars:\n  fuzz_{name}: {project_value}", 1)
    else:
        text += f"\nvars:\n  fuzz_{name}: {project_value}\n"
    tree.write(f"{dbt}/dbt_project.yml", text)
    tree.write(
        f"{dbt}/models/fuzz_{name}.yml",
        f"version: 2\nmodels:\n  - name: stg_orders\n    meta:\n      fuzz: {schema_value}\n"
        "    columns:\n      - name: order_id\n",
    )
    tree.write(f"config/fuzz_{name}.yml", f"jobs:\n  - name: fuzz\n    sql: SELECT id FROM orders\n    when: {schema_value}\n")


@case
def yaml_invalid_date(rng: random.Random, tree: Tree) -> None:
    date = rng.choice(["2024-13-01", "2024-02-30", "2024-00-10", "2023-02-29"])
    _yaml_case(tree, date, date, "invalid_date")


@case
def yaml_huge_integer(rng: random.Random, tree: Tree) -> None:
    """An integer of more than 4,300 digits (Python's int/str conversion limit)."""
    number = "9" * rng.randint(4301, 6000)
    _yaml_case(tree, number, number, "huge_integer")


@case
def yaml_deep_nesting(rng: random.Random, tree: Tree) -> None:
    depth = rng.randint(400, 600)
    _yaml_case(tree, _deep_yaml(depth), _deep_yaml(depth), "deep_nesting")


@case
def yaml_recursive_alias(rng: random.Random, tree: Tree) -> None:
    _yaml_case(tree, "&r [*r]", "&s {self: *s}", "recursive_alias")


@case
def yaml_billion_laughs(rng: random.Random, tree: Tree) -> None:
    """Nine aliases per level, nine levels: about 387 million strings once expanded."""
    dbt = tree.dbt_dir()
    bomb = _alias_bomb(9)
    tree.write(f"{dbt}/models/fuzz_bomb.yml", bomb + "version: 2\nmodels:\n  - name: stg_orders\n    meta: *a8\n")
    project = tree.root / dbt / "dbt_project.yml"
    tree.write(f"{dbt}/dbt_project.yml", project.read_text("utf-8", "replace") + "\n" + bomb.replace("a0:", "x0:") + "vars:\n  bomb: *a8\n")
    tree.write("config/fuzz_bomb.yml", bomb + "jobs:\n  - name: bomb\n    sql: SELECT id FROM orders\n    extra: *a8\n")


@case
def pyproject_deep_nesting(rng: random.Random, tree: Tree) -> None:
    """A pyproject.toml with arrays and inline tables nested 500 deep."""
    depth = rng.randint(450, 600)
    array = "[" * depth + "1" + "]" * depth
    inline = "{a = " * depth + "1" + "}" * depth
    text = (tree.root / "pyproject.toml").read_text("utf-8", "replace") if (tree.root / "pyproject.toml").exists() else ""
    tree.write("pyproject.toml", text + f"\n[tool.fuzz]\narray = {array}\ninline = {inline}\n")


@case
def dbt_config_materialized_ref(rng: random.Random, tree: Tree) -> None:
    """`config()` given the `ref` function itself, and other values that are not strings."""
    dbt = tree.dbt_dir()
    tree.write(
        f"{dbt}/models/fuzz_config_ref.sql",
        "{{ config(materialized=ref) }}\nselect * from {{ ref('stg_orders') }}\n",
    )
    tree.write(
        f"{dbt}/models/fuzz_config_odd.sql",
        "{{ config(materialized=ref('stg_orders'), schema=source, tags=this, alias=var) }}\n"
        "select id from {{ source('shop', 'orders') }}\n",
    )


@case
def dbt_nested_jinja_loops(rng: random.Random, tree: Tree) -> None:
    """Three nested loops of a thousand: a billion renders if evaluated naively."""
    dbt = tree.dbt_dir()
    n = rng.choice([1000, 10_000])
    tree.write(
        f"{dbt}/models/fuzz_loops.sql",
        f"select\n{{% for a in range({n}) %}}{{% for b in range({n}) %}}{{% for c in range({n}) %}}"
        "  {{ a }} + {{ b }} + {{ c }} as c_{{ a }}_{{ b }}_{{ c }},\n"
        "{% endfor %}{% endfor %}{% endfor %}\n  1 as one\nfrom {{ ref('stg_orders') }}\n",
    )


# --- the file system --------------------------------------------------------------------------


def _symlink(tree: Tree, rel: str, target: str | Path) -> None:
    path = tree.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    os.symlink(target, path)
    tree.touched.add(rel)


@case
def symlink_loop(rng: random.Random, tree: Tree) -> None:
    """Directory links to the root and to an ancestor, a link to itself, and a two-link cycle."""
    _symlink(tree, "fuzz_links/root", "..")
    _symlink(tree, "fuzz_links/deeper/up", "../..")
    _symlink(tree, "fuzz_links/self.py", "self.py")
    _symlink(tree, "fuzz_links/ping.sql", "pong.sql")
    _symlink(tree, "fuzz_links/pong.sql", "ping.sql")


@case
def symlink_outside(rng: random.Random, tree: Tree) -> None:
    """Links to a file and a folder outside the tree (never read), and a dangling one."""
    tree.outside.mkdir(parents=True, exist_ok=True)
    (tree.outside / "secret.py").write_text("def leak(cur):\n    cur.execute('DELETE FROM orders')\n")
    (tree.outside / "secret.sql").write_text("DELETE FROM orders;\n")
    _symlink(tree, "fuzz_links/outside.py", tree.outside / "secret.py")
    _symlink(tree, "fuzz_links/outside_dir", tree.outside)
    _symlink(tree, "fuzz_links/relative_out.sql", os.path.relpath(tree.outside / "secret.sql", tree.root / "fuzz_links"))
    _symlink(tree, "fuzz_links/dangling.py", "does/not/exist.py")
    _symlink(tree, "fuzz_links/etc", "/etc")


CONTROL_NAMES = ("ctl\x01name.py", "new\nline.sql", "esc\x1b[31mred.sql", "tab\tname.yml", "bell\x07.py", "cr\rname.sql", "del\x7f.py")


@case
def control_char_names(rng: random.Random, tree: Tree) -> None:
    """Files (and a folder) named with control characters, holding ordinary SQL."""
    for name in CONTROL_NAMES:
        if name.endswith(".py"):
            body = "def load(cur):\n    cur.execute('SELECT id, status FROM orders')\n"
        elif name.endswith(".sql"):
            body = "SELECT id, status FROM orders;\n"
        else:
            body = "jobs:\n  - sql: SELECT id FROM orders\n"
        tree.write(f"fuzz_names/{name}", body)
    tree.write("fuzz_names/dir\x02name/q.sql", "UPDATE orders SET status = 'x';\n")


# Byte and line damage: applied to sample files, the bulk of random trees.
DAMAGE = (
    "truncation",
    "byte_flips",
    "line_deletion",
    "line_duplication",
    "nul_bytes",
    "invalid_utf8",
    "bom",
    "crlf",
    "huge_line",
)
PATHOLOGICAL = tuple(name for name in CASES if name not in DAMAGE)


def build(root: Path, sample: Sample, cases: list[tuple[str, int]], targets: list[str] | None = None) -> Tree:
    """A fresh copy of `sample` at `root` with each (case name, seed) applied in order, damage
    going to `targets` only when given."""
    tree = Tree(root, sample, targets)
    for name, seed in cases:
        CASES[name](random.Random(seed), tree)
        tree.cases.append(name)
    return tree


# Cases that only add files outside dbt projects and configuration: a tree of these and of damage
# to leaf files keeps the answers about every other file unchanged (see tests/fuzz/harness.py).
ADDITIVE = ("python_deep_brackets", "python_long_implicit_concat", "sql_lone_surrogate", "sql_deep_subqueries",
            "sql_dollar_quoted", "symlink_loop", "symlink_outside", "control_char_names")

Planned = tuple[str, list[tuple[str, int]], bool]


def plan(seed: int, trees: int, per_tree: int, exclude: frozenset[str] = frozenset()) -> list[Planned]:
    """`trees` random trees as (sample name, [(case, seed), ...], leaf_only), samples in turn.
    Two trees in three carry `per_tree` cases, mostly byte and line damage to any file with a
    pathological case now and then; every third is *leaf-only*: one to three cases, damage to
    files nothing else depends on and additive cases, so that untouched answers can be compared."""
    rng = random.Random(seed)
    damage = [name for name in DAMAGE if name not in exclude]
    odd = [name for name in PATHOLOGICAL if name not in exclude]
    additive = [name for name in ADDITIVE if name not in exclude]
    names = sorted(SAMPLES)
    planned = []
    for i in range(trees):
        if i % 3 == 2:
            count, pool_odd, share = rng.randint(1, 3), additive, 0.3
        else:
            count, pool_odd, share = per_tree, odd, 0.2
        chosen = [(rng.choice(pool_odd) if pool_odd and rng.random() < share else rng.choice(damage), rng.randrange(2**32)) for _ in range(count)]
        planned.append((names[i % len(names)], chosen, i % 3 == 2))
    return planned
