"""The CI integrations users copy: the GitHub Actions workflow and the pre-commit hook.

Both run for real on git repositories made from samples/shop_sql. The workflow's `depmap` step
and its final gate run through bash as a runner runs them, with every `${{ }}` expression
filled in; its comment step runs against a stand-in for the gh CLI; the steps that are GitHub
actions (cache, artifact, SARIF upload) cannot run here and are checked for their wiring only.
The hook runs through pre-commit itself, as a `repo: local` copy of our `.pre-commit-hooks.yaml`
entry with `language: system`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import REPO, SAMPLE
from tests.e2e.test_impact_samples import NEW_MIGRATION

WORKFLOW = REPO / "integrations" / "github-actions" / "depmap-check.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent  # the test venv's bin: depmap, pre-commit and python
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]

BREAKING = ("migrations/0006_order_discount_code.sql", NEW_MIGRATION)
NULLABLE = ("migrations/0006_customer_notes.sql", "ALTER TABLE customers ADD COLUMN notes text;\n")
NO_MIGRATION = ("README.md", (SAMPLE / "README.md").read_text(encoding="utf-8") + "\nDiscount codes are coming.\n")

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


# --- helpers -------------------------------------------------------------------------------------

def git(cwd: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"})
    return done.stdout.strip()


def load_workflow() -> dict:
    """The workflow as a runner reads it. YAML 1.1 reads the bare key `on` as True."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def steps_of(workflow: dict) -> list[dict]:
    return workflow["jobs"]["depmap"]["steps"]


def step(workflow: dict, step_id: str) -> dict:
    return next(s for s in steps_of(workflow) if s.get("id") == step_id)


def depmap_commands(workflow: dict) -> list[str]:
    """Every line of a `run:` script that invokes depmap (backslash continuations joined)."""
    commands = []
    for item in steps_of(workflow):
        script = item.get("run", "").replace("\\\n", " ")
        commands += [line.strip() for line in script.splitlines() if line.strip().startswith("depmap ")]
    return commands


def substitute(text: str, context: dict[str, str]) -> str:
    """`${{ expr }}` replaced by its value; an expression the test does not know fails it."""
    return EXPRESSION.sub(lambda match: context[match.group(1)], text)


def pull_request_context(head_sha: str) -> dict[str, str]:
    """The values of the expressions the check step uses, for a pull request into main."""
    return {
        "github.base_ref": "main",
        "github.server_url": "https://github.com",
        "github.repository": "acme/shop",
        "github.event.pull_request.head.sha": head_sha,
    }


def pull_request_checkout(tmp_path: Path, change: tuple[str, str]) -> tuple[Path, str]:
    """What actions/checkout leaves for a pull request: a full clone whose HEAD is the merge of the
    feature branch into a base that moved on since the branch left it. Returns it and the head sha."""
    upstream = tmp_path / "upstream"
    shutil.copytree(SAMPLE, upstream, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    git(upstream, "init", "-q")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "shop as deployed")
    git(upstream, "checkout", "-q", "-b", "feature")
    path, text = change
    (upstream / path).write_text(text, encoding="utf-8")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "the pull request")
    head_sha = git(upstream, "rev-parse", "HEAD")
    git(upstream, "checkout", "-q", "main")
    (upstream / "CHANGELOG.md").write_text("# Changes\n\n- Payments retry on timeouts.\n", encoding="utf-8")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "meanwhile on main")
    git(tmp_path, "clone", "-q", "--bare", str(upstream), "origin.git")
    git(tmp_path, "clone", "-q", "origin.git", "workspace")
    workspace = tmp_path / "workspace"
    git(workspace, "checkout", "-q", "--detach", "origin/main")
    git(workspace, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "origin/feature")
    return workspace, head_sha


def run_step(item: dict, workspace: Path, context: dict[str, str], path: str = f"{BIN}:/usr/bin:/bin",
             ) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """A `run:` step as a runner runs it (bash -e -o pipefail, the step's `env:` filled in from
    `context`), and what it wrote to $GITHUB_OUTPUT."""
    output = workspace.parent / "github_output"
    output.write_text("", encoding="utf-8")
    script = workspace.parent / "step.sh"
    script.write_text(substitute(item["run"], context), encoding="utf-8")
    step_env = {name: substitute(str(value), context) for name, value in item.get("env", {}).items()}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace, capture_output=True, text=True, timeout=180,
        env={"PATH": path, "HOME": str(workspace.parent), "NO_COLOR": "1", "GITHUB_OUTPUT": str(output), **step_env},
    )
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    return done, outputs


def gate(workflow: dict, workspace: Path, code: str) -> subprocess.CompletedProcess:
    """The last step, given the exit status the check step recorded."""
    return run_step(step(workflow, "gate"), workspace, {"steps.check.outputs.code": code})[0]


def sarif_results(path: Path) -> list[tuple[str, str, int]]:
    run = json.loads(path.read_text(encoding="utf-8"))["runs"][0]
    return [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]]


# --- the workflow: its shape ---------------------------------------------------------------------

def test_workflow_triggers_and_permissions():
    workflow = load_workflow()
    assert workflow["on"] == {"pull_request": {"types": ["opened", "synchronize", "reopened"]}}
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write", "security-events": "write"}
    assert workflow["concurrency"] == {"group": "depmap-${{ github.event.pull_request.number }}", "cancel-in-progress": True}


def test_workflow_steps_in_order_with_actions_pinned_by_major_tag():
    steps = steps_of(load_workflow())
    assert [(s.get("id"), s["name"], s.get("uses")) for s in steps] == [
        (None, "Check out the pull request", "actions/checkout@v4"),
        (None, "Set up Python", "actions/setup-python@v5"),
        (None, "Install depmap", None),
        ("cache", "Restore the depmap index", "actions/cache/restore@v4"),
        ("check", "Check the columns this pull request adds", None),
        (None, "Save the depmap index", "actions/cache/save@v4"),
        (None, "Upload the HTML report", "actions/upload-artifact@v4"),
        ("comment", "Post the report as a pull-request comment", None),
        (None, "Upload SARIF to code scanning", "github/codeql-action/upload-sarif@v3"),
        ("gate", "Fail when a migration breaks something", None),
    ]
    assert steps[0]["with"] == {"fetch-depth": 0}
    assert steps[2]["run"] == 'python -m pip install "$DEPMAP_PACKAGE"'
    # the distribution's own name, pinned to the version this repository builds (never PyPI's `depmap`)
    version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)
    assert load_workflow()["jobs"]["depmap"]["env"] == {"DEPMAP_PACKAGE": f"depmap-sql=={version}"}


def test_workflow_publishes_every_report_before_the_gate_even_when_the_check_fails():
    steps = steps_of(load_workflow())
    after_check = steps[[s.get("id") for s in steps].index("check") + 1:]
    assert [s["if"] for s in after_check] == [
        "always() && steps.cache.outputs.cache-hit != 'true'",
        "always() && hashFiles('depmap-report.html') != ''",
        "always() && hashFiles('depmap-report.md') != ''",
        "always() && hashFiles('depmap.sarif') != ''",
        "always()",
    ]
    restore, save = steps[3], steps[5]
    key = "depmap-${{ runner.os }}-${{ github.event.pull_request.base.sha }}"
    assert restore["with"] == {"path": ".depmap", "key": key, "restore-keys": "depmap-${{ runner.os }}-"}
    assert save["with"] == {"path": ".depmap", "key": key}
    assert steps[6]["with"] == {"name": "depmap-report", "path": "depmap-report.html"}
    assert (steps[8]["with"], steps[8]["continue-on-error"]) == ({"sarif_file": "depmap.sarif", "category": "depmap"}, True)
    assert steps[9]["env"] == {"CODE": "${{ steps.check.outputs.code }}"}


def test_workflow_comment_is_sticky():
    comment = step(load_workflow(), "comment")
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert comment["continue-on-error"] is True
    script = comment["run"]
    # Found again by the hidden marker on the first line of the body, then edited, not re-posted.
    assert "marker='<!-- depmap-report -->'" in script
    assert '(.body | startswith("<!-- depmap-report -->"))' in script
    assert 'gh api --method PATCH "repos/$REPO/issues/comments/$existing" -F body=@depmap-comment.md' in script
    assert 'gh api --method POST "repos/$REPO/issues/$PR/comments" -F body=@depmap-comment.md' in script


def test_workflow_scans_once_and_every_script_is_valid_bash(tmp_path):
    workflow = load_workflow()
    assert depmap_commands(workflow) == [
        'depmap check --diff "origin/${{ github.base_ref }}" --link-base "${{ github.server_url }}/${{ github.repository }}'
        '/blob/${{ github.event.pull_request.head.sha }}" -o depmap-report.html -o depmap-report.md -o depmap.sarif '
        "-o depmap.json --fail-on breaking"
    ]
    for item in steps_of(workflow):
        if "run" in item:
            script = tmp_path / "step.sh"
            script.write_text(EXPRESSION.sub("x", item["run"]), encoding="utf-8")
            done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
            assert (item["name"], done.returncode, done.stderr) == (item["name"], 0, "")


# --- the workflow: its depmap step and gate, run ---------------------------------------------------

@pytest.mark.parametrize(
    ("change", "outputs", "gate_code"),
    [
        (BREAKING, {"code": "1", "reported": "1"}, 1),
        (NULLABLE, {"code": "0", "reported": "1"}, 0),
        (NO_MIGRATION, {"code": "0", "reported": "0"}, 0),
    ],
    ids=["breaking", "nullable", "no-migration"],
)
def test_workflow_check_step_writes_every_report_and_the_gate_decides(tmp_path, change, outputs, gate_code):
    workflow = load_workflow()
    workspace, head_sha = pull_request_checkout(tmp_path, change)
    context = pull_request_context(head_sha)

    done, written = run_step(step(workflow, "check"), workspace, context)
    assert done.returncode == 0, done.stderr
    assert written == outputs
    reports = ["depmap-report.html", "depmap-report.md", "depmap.json", "depmap.sarif"]
    assert sorted(p.name for p in workspace.iterdir() if p.name.startswith("depmap")) == reports

    document = json.loads((workspace / "depmap.json").read_text(encoding="utf-8"))
    migrations = [change[0]] if change[0].endswith(".sql") else []
    assert document["query"] == {"migrations": migrations}
    assert document["verdict"] == {"1": "breaking", "0": "needs care" if migrations else "safe"}[outputs["code"]]

    verdict = gate(workflow, workspace, written["code"])
    assert verdict.returncode == gate_code
    message = ("::error::depmap: a column this pull request adds breaks something; see the report\n"
               if gate_code else "depmap: no breaking finding\n")
    assert verdict.stdout == message


def test_workflow_breaking_reports_name_the_sites_and_link_to_the_head_commit(tmp_path):
    workflow = load_workflow()
    workspace, head_sha = pull_request_checkout(tmp_path, BREAKING)
    done, _ = run_step(step(workflow, "check"), workspace, pull_request_context(head_sha))
    assert done.returncode == 0, done.stderr

    assert sarif_results(workspace / "depmap.sarif") == [
        ("not-null-without-default", "migrations/0006_order_discount_code.sql", 3),
        ("not-null-without-default", "shop/repositories/orders.py", 52),
        ("select-star", "shop/repositories/orders.py", 81),
        ("lock-timeout", "migrations/0006_order_discount_code.sql", 3),
        ("select-star", "shop/reports/sales.py", 98),
        ("unparsed-sql", "shop/broken_sql.py", 12),
        ("view-star-frozen", "migrations/0005_inventory_cleanup.sql", 8),
    ]
    link = f"https://github.com/acme/shop/blob/{head_sha}/migrations/0006_order_discount_code.sql#L3"
    assert link in (workspace / "depmap-report.html").read_text(encoding="utf-8")
    markdown = (workspace / "depmap-report.md").read_text(encoding="utf-8")
    assert link in markdown
    assert "not-null-without-default" in markdown


def test_workflow_check_step_fails_at_once_on_a_usage_error_and_so_does_the_gate(tmp_path):
    # A shallow or partial checkout without the base branch: `origin/main` is unknown (exit 2).
    workflow = load_workflow()
    workspace, head_sha = pull_request_checkout(tmp_path, BREAKING)
    git(workspace, "update-ref", "-d", "refs/remotes/origin/main")

    done, written = run_step(step(workflow, "check"), workspace, pull_request_context(head_sha))
    assert (done.returncode, written) == (2, {"code": "2"})
    assert done.stderr == ("depmap: unknown ref 'origin/main'; fetch it first (git fetch origin main) "
                           "or pass a ref that exists\n")
    failed = gate(workflow, workspace, "2")
    assert (failed.returncode, failed.stdout) == (1, "::error::depmap did not finish (exit status 2); see the check step\n")
    # The check step never ran (e.g. the install failed): no status at all.
    skipped = gate(workflow, workspace, "")
    assert (skipped.returncode, skipped.stdout) == (1, "::error::depmap did not finish (exit status none); see the check step\n")


# --- the workflow: its comment step, against a stand-in for the gh CLI ----------------------------

MARKER = "<!-- depmap-report -->"
COMMENTS = [
    {"id": 11, "user": {"login": "alice"}, "body": f"{MARKER}\nquoted by a person"},
    {"id": 12, "user": {"login": "github-actions[bot]"}, "body": "Coverage: 93%"},
    {"id": 42, "user": {"login": "github-actions[bot]"}, "body": f"{MARKER}\n### depmap: an older verdict"},
]
COMMENT_CONTEXT = {
    "github.token": "t0ken",
    "github.repository": "acme/shop",
    "github.event.pull_request.number": "7",
    "github.server_url": "https://github.com",
    "github.run_id": "99",
}


def post_comment(tmp_path: Path, comments: list[dict], reported: str, report: str,
                 ) -> tuple[subprocess.CompletedProcess, list[str], str | None]:
    """The comment step with `gh` replaced by a script that answers the comment listing from
    `comments` (through the real jq, as `gh --jq` would) and records every other call and its body.
    Returns the step's run, the gh calls and the body sent (None when nothing was sent)."""
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed; it stands in for gh's --jq")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "depmap-report.md").write_text(report, encoding="utf-8")
    (tmp_path / "comments.json").write_text(json.dumps(comments), encoding="utf-8")
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/bash\n"
        f"printf '%s\\n' \"$*\" >> {tmp_path / 'gh.log'}\n"
        f"if [ \"$2\" = --paginate ]; then exec jq -r \"$5\" {tmp_path / 'comments.json'}; fi\n"
        f"for arg in \"$@\"; do case \"$arg\" in body=@*) cp \"${{arg#body=@}}\" {tmp_path / 'body.md'} ;; esac; done\n"
    )
    fake.chmod(0o755)
    context = {**COMMENT_CONTEXT, "steps.check.outputs.reported": reported}
    done, _ = run_step(step(load_workflow(), "comment"), workspace, context, path=f"{fake.parent}:/usr/bin:/bin")
    body = tmp_path / "body.md"
    calls = (tmp_path / "gh.log").read_text(encoding="utf-8").splitlines()
    return done, [call.split(" --jq ")[0] for call in calls], body.read_text(encoding="utf-8") if body.exists() else None


LISTING = "api --paginate repos/acme/shop/issues/7/comments"
PATCH = "api --method PATCH repos/acme/shop/issues/comments/42 -F body=@depmap-comment.md"
POST = "api --method POST repos/acme/shop/issues/7/comments -F body=@depmap-comment.md"


@pytest.mark.parametrize(
    ("comments", "reported", "call"),
    [
        (COMMENTS, "1", PATCH),  # our earlier comment is edited in place; the person's quote is left alone
        (COMMENTS, "0", PATCH),  # ...even when the branch no longer adds a column: no stale verdict
        (COMMENTS[:2], "1", POST),
        (COMMENTS[:2], "0", None),  # nothing to say and nothing said before: no comment
    ],
    ids=["update", "update-to-nothing", "first", "nothing-to-say"],
)
def test_workflow_comment_is_one_per_pull_request(tmp_path, comments, reported, call):
    report = "### depmap: adding `orders.discount_code` is **breaking**\n"
    done, calls, body = post_comment(tmp_path, comments, reported, report)
    assert done.returncode == 0, done.stderr
    assert calls == [LISTING] + ([call] if call else [])
    assert body == (f"{MARKER}\n{report}" if call else None)
    if call is None:
        assert done.stdout == "No migration in this pull request adds a column; no comment posted.\n"


def test_workflow_comment_truncates_a_report_github_would_refuse(tmp_path):
    report = "| breaking | `select-star` | ... |\n" * 3000  # 93,000 characters
    done, calls, body = post_comment(tmp_path, COMMENTS[:2], "1", report)
    assert (done.returncode, calls) == (0, [LISTING, POST])
    assert body == (f"{MARKER}\n{report[:60000]}\n\n*Report truncated: the full report is the depmap-report artifact "
                    "of [this run](https://github.com/acme/shop/actions/runs/99).*\n")


# --- the pre-commit hook ---------------------------------------------------------------------------

def load_hooks() -> list[dict]:
    return yaml.safe_load(HOOKS.read_text(encoding="utf-8"))


def test_hook_definition():
    assert load_hooks() == [{
        "id": "depmap-check",
        "name": "depmap: check schema changes",
        "description": "Judge the columns that staged migrations add; refuse the commit when one breaks something.",
        "entry": "depmap check --diff HEAD",
        "language": "python",
        "pass_filenames": False,
        "files": r"(\.sql$|(^|/)(migrations|versions)/.*\.py$)",
        "stages": ["pre-commit"],
        "minimum_pre_commit_version": "3.2.0",
    }]


def test_hook_manifest_is_valid_for_pre_commit(tmp_path):
    done = subprocess.run([str(BIN / "pre-commit"), "validate-manifest", str(HOOKS)], capture_output=True, text=True,
                          env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path)})
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("migrations/0006_order_discount_code.sql", True),
        ("db/views/order_totals.sql", True),
        ("shop/orders/migrations/0002_order_discount_code.py", True),
        ("migrations/env.py", True),
        ("alembic/versions/3f2a9c1_add_po_number.py", True),
        ("shop/models.py", False),
        ("shop/migrations_helper.py", False),
        ("migrations/README.md", False),
        ("docs/schema.sql.md", False),
    ],
)
def test_hook_runs_only_when_a_migration_like_file_changes(path, runs):
    # pre-commit matches `files` with re.search against paths relative to the repository root.
    assert bool(re.search(load_hooks()[0]["files"], path)) is runs


@pytest.fixture
def hooked_repo(tmp_path: Path) -> Path:
    """The shop sample on main, configured with our hook as a local, system-language hook."""
    repo = tmp_path / "shop"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    hook = {**load_hooks()[0], "language": "system"}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shop with pre-commit")
    return repo


def pre_commit_env(repo: Path) -> dict[str, str]:
    home = repo.parent / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(home), "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-cache"),
            "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1", "TERM": "dumb",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def pre_commit(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "pre-commit"), "run", "--hook-stage", "pre-commit", "--color", "never"],
                          cwd=repo, capture_output=True, text=True, timeout=180, env=pre_commit_env(repo))


def stage(repo: Path, change: tuple[str, str]) -> None:
    path, text = change
    (repo / path).write_text(text, encoding="utf-8")
    git(repo, "add", path)


def hook_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("depmap: check schema changes"))


def test_hook_refuses_a_breaking_migration(hooked_repo):
    stage(hooked_repo, BREAKING)
    done = pre_commit(hooked_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.fullmatch(r"depmap: check schema changes\.+Failed", hook_line(done.stdout))
    lines = [line.rstrip() for line in done.stdout.splitlines()]
    assert "- hook id: depmap-check" in lines
    assert "- exit code: 1" in lines
    assert "Checked 1 file(s): 1 column(s) added; overall verdict: breaking" in lines
    assert "Adding orders.discount_code TEXT NOT NULL" in lines
    assert "  migrations/0006_order_discount_code.sql:3  [not-null-without-default]" in lines


def test_hook_passes_a_nullable_column(hooked_repo):
    stage(hooked_repo, NULLABLE)
    done = pre_commit(hooked_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"depmap: check schema changes\.+Passed", hook_line(done.stdout))


def test_hook_is_skipped_when_no_migration_is_staged(hooked_repo):
    stage(hooked_repo, NO_MIGRATION)
    done = pre_commit(hooked_repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"depmap: check schema changes\.+\(no files to check\)Skipped", hook_line(done.stdout))


def test_installed_hook_refuses_the_commit_then_lets_a_safe_one_through(hooked_repo):
    env = pre_commit_env(hooked_repo)
    subprocess.run([str(BIN / "pre-commit"), "install"], cwd=hooked_repo, check=True, capture_output=True, env=env)
    before = git(hooked_repo, "rev-parse", "HEAD")

    stage(hooked_repo, BREAKING)
    refused = subprocess.run(["git", "commit", "-q", "-m", "discount codes"], cwd=hooked_repo,
                             capture_output=True, text=True, timeout=180, env=env)
    assert refused.returncode == 1
    assert "[not-null-without-default]" in refused.stdout + refused.stderr
    assert git(hooked_repo, "rev-parse", "HEAD") == before

    git(hooked_repo, "rm", "-q", "--cached", BREAKING[0])
    (hooked_repo / BREAKING[0]).unlink()
    stage(hooked_repo, NULLABLE)
    accepted = subprocess.run(["git", "commit", "-q", "-m", "customer notes"], cwd=hooked_repo,
                              capture_output=True, text=True, timeout=180, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(hooked_repo, "show", "--name-only", "--format=", "HEAD") == NULLABLE[0]


# --- the hook as users install it: pre-commit builds this repository, distribution depmap-sql ---

INSTALLED_FROM_REPO = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "depmap", "templates")


def hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository of this project's installable files, as pre-commit clones it: the working
    tree's (tracked and new) files, committed. Returns it and the commit to pin as `rev`."""
    source = tmp_path / "depmap-repo"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", *INSTALLED_FROM_REPO], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    git(source, "init", "-q")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "depmap")
    return source, git(source, "rev-parse", "HEAD")


def test_hook_installs_the_depmap_sql_distribution_and_runs_its_command(tmp_path):
    """`language: python`: pre-commit pip-installs the hook's repository into its own virtualenv.
    The distribution it gets is depmap-sql (never PyPI's unrelated `depmap`), and the hook's entry
    runs the `depmap` command that distribution provides."""
    source, rev = hook_repository(tmp_path)
    repo = tmp_path / "shop"
    shutil.copytree(SAMPLE, repo, ignore=shutil.ignore_patterns(".depmap", "__pycache__"))
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": str(source), "rev": rev, "hooks": [{"id": "depmap-check"}]}]}))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shop with the depmap hook")
    stage(repo, NULLABLE)
    env = pre_commit_env(repo)
    installed = subprocess.run([str(BIN / "pre-commit"), "install-hooks"], cwd=repo, capture_output=True, text=True, timeout=600, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (environment,) = (repo.parent / "pre-commit-cache").glob("repo*/py_env-*")
    listing = subprocess.run([str(environment / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
                             capture_output=True, text=True, check=True)
    names = {item["name"].lower(): item["version"] for item in json.loads(listing.stdout)}
    version = re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(encoding="utf-8"), re.M).group(1)
    assert names.get("depmap-sql") == version and "depmap" not in names
    assert (environment / "bin" / "depmap").is_file()
    done = pre_commit(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"depmap: check schema changes\.+Passed", hook_line(done.stdout))
