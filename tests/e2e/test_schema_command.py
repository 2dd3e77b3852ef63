"""`depmap schema` as a user runs it: the list of documents, one schema printed self-contained,
every schema in one, and where the files are installed."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from depmap import schemas


def test_the_list_names_each_document_and_the_commands_that_print_it(depmap):
    run = depmap("schema")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert lines[:9] == [
        "scan        depmap scan --format json",
        "tables      depmap tables --format json",
        "usages      depmap who-reads --format json, depmap who-writes --format json",
        "downstream  depmap downstream --format json",
        "history     depmap history --format json",
        "graph       depmap graph --format json",
        "impact      depmap impact --format json, depmap report -o FILE.json",
        "check       depmap check --format json",
        "verify      depmap verify --format json",
    ]
    assert lines[9:] == ["", f"JSON Schema (draft 2020-12) files in {schemas.FOLDER}; `depmap schema NAME` prints one, self-contained."]


def test_a_printed_schema_is_the_bundle_and_print_is_the_same(depmap):
    run = depmap("schema", "usages")
    assert run.code == 0
    assert json.loads(run.out) == schemas.bundle("usages")
    assert depmap("schema", "usages", "--print").out == run.out
    everything = json.loads(depmap("schema", "--print").out)
    Draft202012Validator.check_schema(everything)
    assert everything == schemas.bundle_all()


def test_path_prints_the_installed_folder_or_file(depmap):
    folder = depmap("schema", "--path")
    assert (folder.code, folder.out) == (0, f"{schemas.FOLDER}\n")
    installed = sorted(p.name for p in Path(folder.out.strip()).glob("*.schema.json"))
    assert installed == sorted(f"{name}.schema.json" for name in [schemas.COMMON, *schemas.DOCUMENTS])
    one = depmap("schema", "impact", "--path")
    assert one.out == f"{schemas.FOLDER / 'impact.schema.json'}\n"
    assert json.loads(Path(one.out.strip()).read_text())["title"] == "depmap impact document"


def test_an_unknown_document_or_two_actions_get_one_line(depmap):
    close = depmap("schema", "usage")
    assert (close.code, close.out, close.err) == (2, "", "depmap: unknown document 'usage'; did you mean usages? (`depmap schema` lists them)\n")
    assert depmap("schema", "report").err == (
        "depmap: unknown document 'report'; one of: scan, tables, usages, downstream, history, graph, impact, check, verify "
        "(`depmap schema` lists them)\n")
    both = depmap("schema", "--print", "--path")
    assert (both.code, both.out, both.err) == (2, "", "depmap: --print and --path exclude each other; pass one\n")
