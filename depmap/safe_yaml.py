"""YAML from the scanned tree: loaded only within limits, and as plain data.

A scanned repository's YAML is untrusted input. A 374-byte alias bomb expands to gigabytes, a
recursive alias (`&r [*r]`) never ends, and PyYAML's constructors raise on an invalid date
(`2024-13-01`) or an integer longer than Python converts. `compose` builds the node graph without
expanding aliases (an alias is the same node again), so its expanded size, depth and cycles are
checked before anything is constructed. Timestamps stay the text they are written as (as dbt's
own YAML reading of `vars` leaves them), and an integer Python refuses to convert stays its text.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 200_000  # expanded: every alias counted as many times as it is used
MAX_DEPTH = 200

_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built in: same nodes, faster


class YamlRefused(ValueError):
    """A YAML document past the limits: its reason is one line for the user."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


def _integer_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:  # longer than int() converts (4,300 digits)
        return loader.construct_scalar(node)


class PlainLoader(_BASE):  # type: ignore[misc,valid-type]
    """Safe loading into strings, numbers, booleans, None, lists and dicts only."""


PlainLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
PlainLoader.add_constructor("tag:yaml.org,2002:int", _integer_or_text)


def load_plain(text: str, loader: type = PlainLoader) -> Any:
    """The one document in `text`, constructed by `loader` (a PlainLoader, or a subclass) after
    the checks. Raises yaml.YAMLError for YAML that does not parse, YamlRefused past the limits."""
    node = yaml.compose(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    if node is None:
        return None
    check_nodes(node)
    constructor = loader("")
    try:
        return constructor.construct_document(node)
    except (ValueError, TypeError, RecursionError) as error:  # a constructor's own refusal
        raise YamlRefused(f"a value cannot be read: {error}") from None
    finally:
        constructor.dispose()


def check_nodes(root: yaml.Node) -> None:
    """Raise YamlRefused if the document nests deeper than MAX_DEPTH, refers to itself through an
    alias, or expands to more than MAX_NODES nodes."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            depths[key] = 1 + max((depths[id(child)] for child in children), default=0)
            if sizes[key] > MAX_NODES:
                raise YamlRefused(f"expands to more than {MAX_NODES:,} values through its aliases (line {node.start_mark.line + 1})")
            if depths[key] > MAX_DEPTH:
                raise YamlRefused(f"nested more than {MAX_DEPTH} levels deep (line {node.start_mark.line + 1})")
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlRefused(f"an alias refers to a value that contains it (line {node.start_mark.line + 1})")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
