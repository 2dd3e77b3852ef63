"""YAML from a scanned repository is loaded within limits and as plain data, or refused with a reason."""

from __future__ import annotations

import pytest
import yaml

from depmap.safe_yaml import YamlRefused, load_plain

BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def test_plain_values_and_shared_anchors_load():
    text = "start: 2024-01-05\nbad_date: 2024-13-01\nbig: " + "9" * 5000 + "\nbase: &b [1, 2]\nagain: *b\nrate: 1.5\nenabled: true\n"
    assert load_plain(text) == {
        "start": "2024-01-05", "bad_date": "2024-13-01", "big": "9" * 5000,
        "base": [1, 2], "again": [1, 2], "rate": 1.5, "enabled": True,
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (BOMB, "expands to more than 200,000 values through its aliases (line 6)"),
        ("r: &r [*r]\n", "an alias refers to a value that contains it (line 1)"),
        ("deep: " + "[" * 300 + "]" * 300 + "\n", "nested more than 200 levels deep (line 1)"),
    ],
)
def test_documents_past_the_limits_are_refused(text, reason):
    with pytest.raises(YamlRefused) as refused:
        load_plain(text)
    assert str(refused.value) == reason


def test_broken_yaml_is_a_yaml_error():
    with pytest.raises(yaml.YAMLError):
        load_plain("a: [1, 2\n")
