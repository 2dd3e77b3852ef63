"""File discovery and safe reading, on realistic trees built in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from depmap.config import Config, load_config
from depmap.discover import (
    Discovery,
    FileKind,
    SourceFile,
    classify,
    discover,
    read_source,
)
from depmap.model import Skipped


def make(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def paths(result: Discovery) -> list[str]:
    return [f.path for f in result.files]


def source(root: Path, rel: str, kind: str | None = None) -> SourceFile:
    info = (root / rel).stat()
    return SourceFile(rel, kind or classify(rel.rsplit("/", 1)[-1]), info.st_size, info.st_mtime_ns)


# --- classification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("models.py", FileKind.PYTHON),
        ("types.pyi", FileKind.PYTHON),
        ("0001_init.SQL", FileKind.SQL),
        ("schema.yml", FileKind.YAML),
        ("sources.yaml", FileKind.YAML),
        ("dbt_project.yml", FileKind.DBT_PROJECT),
        ("settings.json", FileKind.JSON),
        ("README.md", FileKind.OTHER),
        ("Makefile", FileKind.OTHER),
        ("app.pyc", FileKind.OTHER),
    ],
)
def test_classify(name: str, kind: str) -> None:
    assert classify(name) == kind


# --- the walk ---------------------------------------------------------------------------------

REALISTIC_TREE: dict[str, str | bytes] = {
    # the application
    "README.md": "# shop\n",
    "pyproject.toml": '[project]\nname = "shop"\n',
    "shop/__init__.py": "",
    "shop/models.py": "class Order: ...\n",
    "shop/types.pyi": "x: int\n",
    "shop/static/app.js": "console.log(1)\n",
    "migrations/0001_init.sql": "CREATE TABLE orders (id int);\n",
    "warehouse/dbt_project.yml": "name: warehouse\n",
    "warehouse/models/schema.yml": "version: 2\n",
    "warehouse/models/orders.sql": "select * from {{ source('shop', 'orders') }}\n",
    "env/settings.py": "DEBUG = False\n",  # a package named env, not a virtualenv
    # gitignore: root rules, nested rules, negations
    ".gitignore": "*.log\n*.json\ngenerated/\nlogs/\n!logs/keep.py\n",
    "debug.log": "x\n",
    "generated/orm.py": "x = 1\n",
    "logs/keep.py": "x = 1\n",  # a file cannot be re-included when its directory is ignored
    "config/.gitignore": "!settings.json\n",
    "config/settings.json": "{}\n",
    "config/local.json": "{}\n",
    "app/.gitignore": "*.sql\n!keep.sql\n/only_here.py\n",
    "app/a.sql": "select 1;\n",
    "app/keep.sql": "select 1;\n",
    "app/sub/b.sql": "select 1;\n",
    "app/sub/keep.sql": "select 1;\n",
    "app/only_here.py": "x = 1\n",
    "app/sub/only_here.py": "x = 1\n",
    "other/x.sql": "select 1;\n",
    ".git/info/exclude": "scratch.py\n",
    "scratch.py": "x = 1\n",
    # never the application's code
    ".git/hooks/pre-commit.py": "x = 1\n",
    ".venv/pyvenv.cfg": "home = /usr/bin\n",
    ".venv/lib/python3.11/site-packages/django/db/models.py": "x = 1\n",
    "tools/myenv/pyvenv.cfg": "home = /usr/bin\n",
    "tools/myenv/lib/x.py": "x = 1\n",
    "venv/bin/activate": "# activate\n",
    "venv/lib/y.py": "x = 1\n",
    "node_modules/pkg/package.json": "{}\n",
    "node_modules/pkg/schema.sql": "select 1;\n",
    "build/lib/shop/models.py": "x = 1\n",
    "dist/shop.py": "x = 1\n",
    "shop.egg-info/top_level.json": "{}\n",
    "shop/__pycache__/models.py": "x = 1\n",
    ".tox/py311/x.py": "x = 1\n",
    ".mypy_cache/x.json": "{}\n",
    ".depmap/cache.json": "{}\n",
}


def test_realistic_tree(tmp_path: Path) -> None:
    make(tmp_path, REALISTIC_TREE)
    result = discover(tmp_path, Config())
    assert [(f.path, f.kind) for f in result.files] == [
        ("app/keep.sql", "sql"),
        ("app/sub/keep.sql", "sql"),
        ("app/sub/only_here.py", "python"),
        ("config/settings.json", "json"),
        ("env/settings.py", "python"),
        ("migrations/0001_init.sql", "sql"),
        ("other/x.sql", "sql"),
        ("shop/__init__.py", "python"),
        ("shop/models.py", "python"),
        ("shop/types.pyi", "python"),
        ("warehouse/dbt_project.yml", "dbt_project"),
        ("warehouse/models/orders.sql", "sql"),
        ("warehouse/models/schema.yml", "yaml"),
    ]
    assert result.skipped == []


def test_source_file_records_size_mtime_and_ctime(tmp_path: Path) -> None:
    make(tmp_path, {"shop/models.py": "class Order: ...\n"})
    stamp = 1_700_000_000_123_456_789
    os.utime(tmp_path / "shop/models.py", ns=(stamp, stamp))
    assert discover(tmp_path, Config()).files == [
        SourceFile("shop/models.py", "python", 17, stamp, (tmp_path / "shop/models.py").stat().st_ctime_ns)
    ]


@pytest.fixture
def listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every directory the walk lists, relative to the root: proof that pruning prunes."""
    seen: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: str) -> object:
        seen.append(Path(path).relative_to(tmp_path).as_posix())
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", recording_scandir)
    return seen


def test_pruned_directories_are_never_listed(tmp_path: Path, listed: list[str]) -> None:
    make(tmp_path, REALISTIC_TREE)
    discover(tmp_path, Config())
    # Virtualenvs are recognised from their own listing, so they are listed but not descended.
    assert sorted(listed) == [
        ".",
        ".venv",
        "app",
        "app/sub",
        "config",
        "env",
        "migrations",
        "other",
        "shop",
        "shop/static",
        "tools",
        "tools/myenv",
        "venv",
        "warehouse",
        "warehouse/models",
    ]


def test_discovery_is_deterministic(tmp_path: Path) -> None:
    make(tmp_path, REALISTIC_TREE)
    first = discover(tmp_path, Config())
    assert discover(tmp_path, Config()) == first
    assert paths(first) == sorted(paths(first))


def test_include_and_exclude_from_pyproject(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.depmap]\n"
                'include = ["shop/", "*.sql"]\n'
                'exclude = ["shop/legacy/", "test_*.py"]\n'
            ),
            "shop/models.py": "",
            "shop/test_models.py": "",
            "shop/legacy/old.py": "",
            "shop/schema.yml": "",
            "migrations/0001.sql": "",
            "scripts/report.py": "",
            "scripts/report.sql": "",
        },
    )
    config, warnings = load_config(tmp_path)
    assert warnings == []
    assert paths(discover(tmp_path, config)) == [
        "migrations/0001.sql",
        "scripts/report.sql",
        "shop/models.py",
        "shop/schema.yml",
    ]


def test_depmap_toml_takes_precedence(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pyproject.toml": '[tool.depmap]\nexclude = ["a/"]\n',
            ".depmap.toml": 'exclude = ["b/"]\n',
            "a/x.py": "",
            "b/y.py": "",
        },
    )
    config, _ = load_config(tmp_path)
    assert paths(discover(tmp_path, config)) == ["a/x.py"]


def test_config_exclude_prunes_directories(tmp_path: Path, listed: list[str]) -> None:
    make(tmp_path, {"vendor/lib/x.py": "", "src/y.py": ""})
    assert paths(discover(tmp_path, Config(exclude=("vendor",)))) == ["src/y.py"]
    assert sorted(listed) == [".", "src"]


# --- symlinks ---------------------------------------------------------------------------------


def test_symlink_loops_aliases_and_outside_links(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "elsewhere"
    make(root, {"pkg/sub/models.py": "", "data/gen/views.sql": "", "main.py": ""})
    make(outside, {"secret.py": "", "lib/z.py": ""})
    os.symlink("..", root / "pkg" / "up")  # back to the root
    os.symlink(".", root / "pkg" / "sub" / "self")
    os.symlink("pkg/sub", root / "alias")  # the same directory under another name
    os.symlink("data/gen", root / "linked")  # into a directory the config excludes
    os.symlink(outside / "lib", root / "external")
    os.symlink(outside / "secret.py", root / "secret.py")
    os.symlink("main.py", root / "entry.py")  # file link inside the root

    result = discover(root, Config(exclude=("data/",)))

    assert paths(result) == ["entry.py", "linked/views.sql", "main.py", "pkg/sub/models.py"]
    # "alias" leads to pkg/sub, whose files are listed under their real path: nothing to report.
    assert result.skipped == [
        Skipped("external", "symlink to a directory outside the scanned root; not followed"),
        Skipped("pkg/sub/self", "symlink loop: points to its own ancestor 'pkg/sub'; not followed"),
        Skipped("pkg/up", "symlink loop: points to its own ancestor '.'; not followed"),
        Skipped("secret.py", "symlink to a file outside the scanned root; not followed"),
    ]


def test_loop_inside_a_followed_link(tmp_path: Path) -> None:
    make(tmp_path, {"node_modules/x/a.sql": ""})
    os.symlink("node_modules/x", tmp_path / "vendored")
    os.symlink("..", tmp_path / "node_modules" / "x" / "parent")
    result = discover(tmp_path, Config())
    assert paths(result) == ["vendored/a.sql"]
    assert result.skipped == [
        Skipped(
            "vendored/parent",
            "symlink loop: points to its own ancestor 'node_modules'; not followed",
        )
    ]


def test_broken_symlink(tmp_path: Path) -> None:
    make(tmp_path, {"ok.py": ""})
    os.symlink("missing.py", tmp_path / "gone.py")
    os.symlink("missing.txt", tmp_path / "gone.txt")  # not a source file: silent
    result = discover(tmp_path, Config())
    assert paths(result) == ["ok.py"]
    assert result.skipped == [
        Skipped("gone.py", "broken symlink: target 'missing.py' does not exist")
    ]


def test_ignored_broken_symlink_is_silent(tmp_path: Path) -> None:
    make(tmp_path, {".gitignore": "gone.py\n"})
    os.symlink("missing.py", tmp_path / "gone.py")
    assert discover(tmp_path, Config()) == Discovery([], [])


# --- size and permissions ---------------------------------------------------------------------


def test_files_over_the_size_limit_are_skipped(tmp_path: Path) -> None:
    make(tmp_path, {"big.sql": "x" * 101, "edge.sql": "x" * 100, "small.py": "x = 1\n"})
    result = discover(tmp_path, Config(max_file_bytes=100))
    assert paths(result) == ["edge.sql", "small.py"]
    assert result.skipped == [
        Skipped(
            "big.sql",
            "larger than 100 bytes (max_file_bytes); raise [tool.depmap] max-file-bytes to scan it",
        )
    ]


def test_size_limit_from_config_file(tmp_path: Path) -> None:
    make(tmp_path, {".depmap.toml": "max-file-bytes = 10\n", "dump.sql": "-- " + "x" * 50})
    config, _ = load_config(tmp_path)
    assert [s.path for s in discover(tmp_path, config).skipped] == ["dump.sql"]


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"secret.py": "", "open.py": ""})
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: not str(p).endswith("secret.py") and real_access(p, mode)
    )
    result = discover(tmp_path, Config())
    assert paths(result) == ["open.py"]
    assert result.skipped == [Skipped("secret.py", "unreadable: permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_real_permissions(tmp_path: Path) -> None:
    make(tmp_path, {"secret.py": ""})
    (tmp_path / "secret.py").chmod(0)
    try:
        assert discover(tmp_path, Config()).skipped == [
            Skipped("secret.py", "unreadable: permission denied")
        ]
    finally:
        (tmp_path / "secret.py").chmod(0o644)


def test_unlistable_directory_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"locked/x.py": "", "open/y.py": ""})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = discover(tmp_path, Config())
    assert paths(result) == ["open/y.py"]
    assert result.skipped == [Skipped("locked", "cannot list directory: Permission denied")]


# --- reading ----------------------------------------------------------------------------------

LATIN1_BODY = "# Café de la Gare\nname = 'Müller'\n".encode("latin-1")


def read(root: Path, rel: str) -> str | Skipped:
    return read_source(root, source(root, rel))


def test_read_plain_utf8(tmp_path: Path) -> None:
    make(tmp_path, {"q.sql": "SELECT 'café' FROM orders;\n"})
    assert read(tmp_path, "q.sql") == "SELECT 'café' FROM orders;\n"


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    make(tmp_path, {"data.json": b'{"a": 1}\x00\x01\x02'})
    assert read(tmp_path, "data.json") == Skipped("data.json", "binary file")


def test_latin1_python_with_coding_cookie_decodes(tmp_path: Path) -> None:
    make(tmp_path, {"legacy.py": b"# -*- coding: latin-1 -*-\n" + LATIN1_BODY})
    assert read(tmp_path, "legacy.py") == (
        "# -*- coding: latin-1 -*-\n# Café de la Gare\nname = 'Müller'\n"
    )


def test_latin1_python_without_cookie_is_skipped_with_offset(tmp_path: Path) -> None:
    make(tmp_path, {"legacy.py": LATIN1_BODY})
    offset = LATIN1_BODY.index(b"\xe9")
    assert offset == 5
    assert read(tmp_path, "legacy.py") == Skipped(
        "legacy.py",
        "not valid UTF-8 at byte 5 "
        "(declare the file's encoding with a '# -*- coding: ... -*-' line)",
    )


def test_latin1_sql_is_skipped_with_offset(tmp_path: Path) -> None:
    make(tmp_path, {"q.sql": b"-- r\xe9sum\xe9\nSELECT 1;\n"})
    result = read(tmp_path, "q.sql")
    assert result == Skipped("q.sql", "not valid UTF-8 at byte 4 (re-save the file as UTF-8)")


def test_utf8_bom_is_tolerated_and_offsets_count_it(tmp_path: Path) -> None:
    make(tmp_path, {"ok.sql": b"\xef\xbb\xbfSELECT 1;\n", "bad.yml": b"\xef\xbb\xbfa: \xff\n"})
    assert read(tmp_path, "ok.sql") == "SELECT 1;\n"
    assert read(tmp_path, "bad.yml") == Skipped(
        "bad.yml", "not valid UTF-8 at byte 6 (re-save the file as UTF-8)"
    )


def test_python_bom_is_tolerated(tmp_path: Path) -> None:
    make(tmp_path, {"m.py": b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n"})
    assert read(tmp_path, "m.py") == "x = 'café'\n"


def test_utf16_sql_with_bom_is_text(tmp_path: Path) -> None:
    make(tmp_path, {"proc.sql": "SELECT name FROM dbo.orders;\r\n".encode("utf-16")})
    assert read(tmp_path, "proc.sql") == "SELECT name FROM dbo.orders;\r\n"


def test_invalid_coding_cookie(tmp_path: Path) -> None:
    make(tmp_path, {"m.py": "# -*- coding: klingon -*-\nx = 1\n"})
    assert read(tmp_path, "m.py") == Skipped(
        "m.py", "invalid encoding declaration: unknown encoding: klingon"
    )


def test_minified_sql_is_skipped(tmp_path: Path) -> None:
    line = "INSERT INTO t VALUES " + ",".join(["(1)"] * 6750) + ";"
    make(tmp_path, {"dump.sql": "-- generated\n" + line + "\n"})
    assert len(line) == 27_021
    assert read(tmp_path, "dump.sql") == Skipped(
        "dump.sql", "looks minified or generated (a line of 27021 characters)"
    )


def test_long_line_limit_is_exclusive_and_only_for_code(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "edge.py": "x = '" + "a" * 19_994 + "'\n",  # a line of exactly 20,000 characters
            "over.py": "x = '" + "a" * 19_995 + "'\n",
            "big.json": '{"a": "' + "b" * 30_000 + '"}\n',
        },
    )
    assert isinstance(read(tmp_path, "edge.py"), str)
    assert read(tmp_path, "over.py") == Skipped(
        "over.py", "looks minified or generated (a line of 20001 characters)"
    )
    assert isinstance(read(tmp_path, "big.json"), str)


def test_read_error_becomes_skipped(tmp_path: Path) -> None:
    make(tmp_path, {"gone.sql": "select 1;\n"})
    file = source(tmp_path, "gone.sql")
    (tmp_path / "gone.sql").unlink()
    assert read_source(tmp_path, file) == Skipped("gone.sql", "No such file or directory")


def test_sql_templates_are_sql_and_other_templates_are_not() -> None:
    from depmap.discover import FileKind, classify

    assert [classify(name) for name in ("load_users.sql.j2", "report.SQL.jinja", "merge.sql.jinja2", "page.html.j2", "notes.j2")] == [
        FileKind.SQL, FileKind.SQL, FileKind.SQL, FileKind.OTHER, FileKind.OTHER,
    ]  # fmt: skip
    assert classify("analysis/churn.ipynb") == FileKind.NOTEBOOK
