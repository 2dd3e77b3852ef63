"""Inside GitHub Actions (GITHUB_ACTIONS=true), `impact` and `check` print their report and the
workflow commands that put each finding on the pull request's diff, unless a --format was chosen."""

from __future__ import annotations

import subprocess

from tests.e2e.conftest import REPO, depmap_command

SHOP = str(REPO / "samples" / "shop_sql")
IMPACT = ("impact", "orders.discount_code", "--type", "text", "--not-null", "--path", SHOP)
CHECK = ("check", f"{SHOP}/migrations/0004_customer_marketing.sql", "--path", SHOP)


def run(args: tuple[str, ...], cache, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(REPO), "XDG_CACHE_HOME": str(cache), **env}
    return subprocess.run([*depmap_command(), *args], capture_output=True, text=True, env=environment, cwd=REPO, timeout=120)


def test_impact_in_github_actions_prints_the_report_then_the_annotations(user_cache):
    inside = run(IMPACT, user_cache, GITHUB_ACTIONS="true")
    text = run(IMPACT, user_cache)
    annotations = run((*IMPACT, "--format", "github"), user_cache)
    assert inside.returncode == text.returncode == 0
    assert inside.stdout == text.stdout + annotations.stdout
    assert "::" not in text.stdout
    first = annotations.stdout.splitlines()[0]
    assert first.startswith("::error title=depmap not-null-without-default::Adding orders.discount_code as NOT NULL without a default")
    assert "::error file=shop/repositories/orders.py,line=52,endLine=54,title=depmap not-null-without-default::INSERT into orders" in annotations.stdout


def test_check_in_github_actions_too_and_an_explicit_format_wins(user_cache):
    inside = run(CHECK, user_cache, GITHUB_ACTIONS="true")
    text = run(CHECK, user_cache)
    assert inside.returncode == text.returncode
    extra = inside.stdout.removeprefix(text.stdout)
    assert inside.stdout.startswith(text.stdout) and extra and all(line.startswith("::") for line in extra.splitlines())
    chosen = run((*IMPACT, "--format", "text"), user_cache, GITHUB_ACTIONS="true")
    assert chosen.stdout == run(IMPACT, user_cache).stdout
    elsewhere = run(IMPACT, user_cache, GITHUB_ACTIONS="false")
    assert "::" not in elsewhere.stdout
