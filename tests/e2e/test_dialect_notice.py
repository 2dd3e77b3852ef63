"""What the code says about its database besides the chosen dialect is a notice a project needs
once: shown on the first command, remembered in .depmap/, shown again when the dialect changes."""

from __future__ import annotations

from pathlib import Path

SETTINGS = (
    'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}\n'
    'TEST_DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "test.db"}}\n'
)
NOTICE = ("depmap: warning: dialect postgres detected from app/settings.py:1; the code also mentions sqlite (app/settings.py:2): "
          "set dialect in [tool.depmap] if postgres is not the production database\n")


def project(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "settings.py").write_text(SETTINGS)
    (root / "app" / "queries.py").write_text('def load(cur):\n    cur.execute("SELECT id, status FROM orders")\n')
    return root


def test_the_dialect_notice_is_shown_once_per_project(depmap, tmp_path):
    root = project(tmp_path)
    first = depmap("who-reads", "orders", "--path", str(root))
    assert (first.code, first.err) == (0, NOTICE)
    for command in (("who-reads", "orders"), ("tables",), ("who-writes", "orders")):
        later = depmap(*command, "--path", str(root))
        assert (later.code, later.err) == (0, "")
    assert depmap("who-reads", "orders", "--path", str(root), "-v").err.startswith(NOTICE)  # --verbose says everything


def test_the_notice_comes_back_when_the_detected_dialect_changes(depmap, tmp_path):
    root = project(tmp_path)
    assert depmap("who-reads", "orders", "--path", str(root)).err == NOTICE
    (root / "app" / "settings.py").write_text(SETTINGS.replace("postgresql", "mysql"))
    changed = depmap("who-reads", "orders", "--path", str(root))
    assert changed.err == NOTICE.replace("postgres", "mysql")
    assert depmap("who-reads", "orders", "--path", str(root)).err == ""


def test_a_cache_folder_that_cannot_be_used_shows_the_notice_every_time(depmap, tmp_path):
    root = project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".depmap").symlink_to(elsewhere)
    for _ in range(2):
        assert NOTICE in depmap("who-reads", "orders", "--path", str(root)).err
    assert list(elsewhere.iterdir()) == []
