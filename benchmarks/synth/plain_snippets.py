"""Functions of plain application code (text, collections, money, dates, serialisation), each with the imports and constants it needs and a pytest test of it.

Every shape takes its names from `Words`, so the same shape reads differently module to module."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from synth.names import ABSTRACT_NOUNS, NOUNS, VERBS
from synth.repo import docstring


@dataclass
class Snippet:
    """One top-level definition with what it needs around it."""

    name: str
    lines: list[str]
    imports: list[tuple[str, str]] = field(default_factory=list)  # (module, name); name "" = `import module`
    constants: list[str] = field(default_factory=list)
    test: list[str] = field(default_factory=list)
    takes_text: bool = False  # a `(str) -> str` helper the command-line tools may call


class Words:
    """The names one module is written around."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.thing = rng.choice(NOUNS)
        self.noun = rng.choice(ABSTRACT_NOUNS)
        self.verb = rng.choice(VERBS)

    def other(self) -> str:
        return self.rng.choice(ABSTRACT_NOUNS)


def normalize_shape(w: Words) -> Snippet:
    name = f"normalize_{w.noun}"
    return Snippet(
        name,
        [
            f"def {name}(value: str) -> str:",
            *docstring(f"Collapses whitespace and case so that two {w.noun}s typed differently compare equal.", "    "),
            '    cleaned = _WHITESPACE.sub(" ", value).strip()',
            "    return cleaned.casefold()",
        ],
        [("re", "")],
        ['_WHITESPACE = re.compile(r"\\s+")'],
        [
            f"def test_{name}_collapses_spaces() -> None:",
            f'    assert {name}("  Hello   World ") == "hello world"',
        ],
        takes_text=True,
    )


def slugify_shape(w: Words) -> Snippet:
    name = f"{w.thing}_slug"
    limit = w.rng.choice((40, 50, 64, 80))
    return Snippet(
        name,
        [
            f"def {name}(title: str, max_length: int = {limit}) -> str:",
            *docstring(f"A URL-safe slug for a {w.thing}: ASCII letters, digits and single dashes.", "    "),
            '    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()',
            '    slug = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")',
            '    return slug[:max_length].rstrip("-")',
        ],
        [("re", ""), ("unicodedata", "")],
        ['_NOT_SLUG = re.compile(r"[^a-z0-9]+")'],
        [
            "@pytest.mark.parametrize(",
            '    ("title", "expected"),',
            '    [("Hello World", "hello-world"), ("  Ünïcode  ", "unicode"), ("a--b", "a-b")],',
            ")",
            f"def test_{name}(title: str, expected: str) -> None:",
            f"    assert {name}(title) == expected",
        ],
        takes_text=True,
    )


def chunked_shape(w: Words) -> Snippet:
    name = f"{w.thing}_batches"
    size = w.rng.choice((50, 100, 250, 500, 1000))
    return Snippet(
        name,
        [
            f"def {name}(items: Iterable[T], size: int = {size}) -> Iterator[list[T]]:",
            *docstring(f"Splits {w.thing}s into lists of at most `size`, keeping their order.", "    "),
            "    if size < 1:",
            '        raise ValueError("size must be at least 1")',
            "    batch: list[T] = []",
            "    for item in items:",
            "        batch.append(item)",
            "        if len(batch) == size:",
            "            yield batch",
            "            batch = []",
            "    if batch:",
            "        yield batch",
        ],
        [("collections.abc", "Iterable"), ("collections.abc", "Iterator"), ("typing", "TypeVar")],
        ['T = TypeVar("T")'],
        [
            f"def test_{name}_keeps_the_remainder() -> None:",
            f"    assert list({name}(range(5), size=2)) == [[0, 1], [2, 3], [4]]",
        ],
    )


def money_shape(w: Words) -> Snippet:
    name = f"apply_{w.thing}_discount"
    return Snippet(
        name,
        [
            f"def {name}(amount: Decimal, percent: Decimal) -> Decimal:",
            *docstring("The amount after a percentage discount, rounded half up to the cent.", "    "),
            "    if not Decimal(0) <= percent <= Decimal(100):",
            '        raise ValueError(f"discount out of range: {percent}")',
            "    discounted = amount * (Decimal(100) - percent) / Decimal(100)",
            '    return discounted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)',
        ],
        [("decimal", "ROUND_HALF_UP"), ("decimal", "Decimal")],
        [],
        [
            f"def test_{name}_rounds_half_up() -> None:",
            f'    assert {name}(Decimal("10.00"), Decimal("12.5")) == Decimal("8.75")',
        ],
    )


def business_days_shape(w: Words) -> Snippet:
    name = f"{w.noun}_business_days"
    return Snippet(
        name,
        [
            f"def {name}(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:",
            *docstring("Weekdays from start to end inclusive, not counting the given holidays.", "    "),
            "    days = 0",
            "    current = start",
            "    while current <= end:",
            "        if current.weekday() < 5 and current not in holidays:",
            "            days += 1",
            "        current += timedelta(days=1)",
            "    return days",
        ],
        [("datetime", "date"), ("datetime", "timedelta")],
        [],
        [
            f"def test_{name}_skips_weekends() -> None:",
            f"    assert {name}(date(2024, 3, 1), date(2024, 3, 8)) == 6",
        ],
    )


def lookup_shape(w: Words) -> Snippet:
    name = f"{w.noun}_for_region"
    regions = w.rng.sample(("eu", "us", "uk", "apac", "latam", "mena", "nordics", "dach"), 5)
    table = [f'    "{r}": {w.rng.randint(1, 40)},' for r in regions]
    return Snippet(
        name,
        [
            f"@lru_cache(maxsize={w.rng.choice((64, 128, 256))})",
            f"def {name}(region: str) -> int:",
            *docstring(f"The {w.noun} that applies in a region; unknown regions get the default.", "    "),
            f"    return _{w.noun.upper()}_BY_REGION.get(region.lower(), DEFAULT_{w.noun.upper()})",
        ],
        [("functools", "lru_cache")],
        [f"DEFAULT_{w.noun.upper()} = {w.rng.randint(1, 10)}", f"_{w.noun.upper()}_BY_REGION: dict[str, int] = {{", *table, "}"],
        [f"def test_{name}_ignores_case() -> None:", f'    assert {name}("{regions[0].upper()}") == {name}("{regions[0]}")'],
    )


def group_by_shape(w: Words) -> Snippet:
    name = f"group_{w.thing}s_by_{w.noun}"
    return Snippet(
        name,
        [
            f"def {name}(rows: Iterable[Mapping[str, Any]], key: str = \"{w.noun}\") -> dict[Any, list[Mapping[str, Any]]]:",
            *docstring("Rows grouped by `key`, in first-seen order; rows without the key go under None.", "    "),
            "    groups: defaultdict[Any, list[Mapping[str, Any]]] = defaultdict(list)",
            "    for row in rows:",
            "        groups[row.get(key)].append(row)",
            "    return dict(groups)",
        ],
        [("collections", "defaultdict"), ("collections.abc", "Iterable"), ("collections.abc", "Mapping"), ("typing", "Any")],
        [],
        [
            f"def test_{name}() -> None:",
            f'    rows = [{{"{w.noun}": 1}}, {{"{w.noun}": 2}}, {{"{w.noun}": 1}}]',
            f"    assert list({name}(rows)) == [1, 2]",
        ],
    )


def csv_render_shape(w: Words) -> Snippet:
    name = f"render_{w.thing}_csv"
    return Snippet(
        name,
        [
            f"def {name}(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:",
            *docstring("CSV text with a header row and Windows line endings, as the accountants' tool expects.", "    "),
            "    buffer = io.StringIO()",
            '    writer = csv.writer(buffer, lineterminator="\\r\\n")',
            "    writer.writerow(header)",
            "    writer.writerows(rows)",
            "    return buffer.getvalue()",
        ],
        [("csv", ""), ("io", ""), ("collections.abc", "Iterable"), ("collections.abc", "Sequence"), ("typing", "Any")],
        [],
        [f"def test_{name}_header_first() -> None:", f'    assert {name}(["a"], [[1]]).splitlines() == ["a", "1"]'],
    )


def json_default_shape(w: Words) -> Snippet:
    name = f"dump_{w.noun}"
    return Snippet(
        name,
        [
            "def _encode(value: Any) -> Any:",
            "    if isinstance(value, (datetime, date)):",
            "        return value.isoformat()",
            "    if isinstance(value, Decimal):",
            "        return str(value)",
            "    if isinstance(value, (set, frozenset)):",
            "        return sorted(value)",
            '    raise TypeError(f"cannot encode {type(value).__name__}")',
            "",
            "",
            f"def {name}(payload: Mapping[str, Any]) -> str:",
            *docstring("Stable JSON for logs and hashes: sorted keys, ISO dates, decimals as strings.", "    "),
            '    return json.dumps(payload, default=_encode, sort_keys=True, separators=(",", ":"))',
        ],
        [("json", ""), ("datetime", "date"), ("datetime", "datetime"), ("decimal", "Decimal"), ("collections.abc", "Mapping"), ("typing", "Any")],
        [],
        [f"def test_{name}_sorts_keys() -> None:", f'    assert {name}({{"b": 1, "a": 2}}) == \'{{"a":2,"b":1}}\''],
    )


def deep_merge_shape(w: Words) -> Snippet:
    name = f"merge_{w.noun}_overrides"
    return Snippet(
        name,
        [
            f"def {name}(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:",
            *docstring("Nested dictionaries merged key by key; anything else in `override` wins.", "    "),
            "    merged = dict(base)",
            "    for key, value in override.items():",
            "        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):",
            f"            merged[key] = {name}(merged[key], value)",
            "        else:",
            "            merged[key] = value",
            "    return merged",
        ],
        [("collections.abc", "Mapping"), ("typing", "Any")],
        [],
        [f"def test_{name}_is_recursive() -> None:", f'    assert {name}({{"a": {{"x": 1}}}}, {{"a": {{"y": 2}}}}) == {{"a": {{"x": 1, "y": 2}}}}'],
    )


def checksum_shape(w: Words) -> Snippet:
    name = f"{w.thing}_fingerprint"
    return Snippet(
        name,
        [
            f"def {name}(parts: Iterable[str]) -> str:",
            *docstring(f"A short, stable fingerprint of a {w.thing}'s identifying parts, for deduplication.", "    "),
            "    digest = hashlib.sha256()",
            "    for part in parts:",
            '        digest.update(part.encode("utf-8"))',
            '        digest.update(b"\\x00")',
            f"    return digest.hexdigest()[:{w.rng.choice((12, 16, 20))}]",
        ],
        [("hashlib", ""), ("collections.abc", "Iterable")],
        [],
        [f"def test_{name}_depends_on_order() -> None:", f'    assert {name}(["a", "b"]) != {name}(["b", "a"])'],
    )


def percentile_shape(w: Words) -> Snippet:
    name = f"{w.noun}_percentile"
    return Snippet(
        name,
        [
            f"def {name}(values: Sequence[float], pct: float) -> float:",
            *docstring("Linear-interpolated percentile; `pct` is between 0 and 100.", "    "),
            "    if not values:",
            '        raise ValueError("no values")',
            "    ordered = sorted(values)",
            "    rank = (len(ordered) - 1) * pct / 100",
            "    low = math.floor(rank)",
            "    high = math.ceil(rank)",
            "    if low == high:",
            "        return ordered[int(rank)]",
            "    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)",
        ],
        [("math", ""), ("collections.abc", "Sequence")],
        [],
        [f"def test_{name}_median() -> None:", f"    assert {name}([1, 2, 3, 4], 50) == 2.5"],
    )


def cutoff_shape(w: Words) -> Snippet:
    name = f"{w.noun}_cutoff"
    hours = w.rng.choice((6, 12, 24, 48, 72))
    return Snippet(
        name,
        [
            f"def {name}(now: datetime | None = None, hours: int = {hours}) -> datetime:",
            *docstring(f"The moment before which a {w.noun} counts as stale, in UTC.", "    "),
            "    now = now or datetime.now(timezone.utc)",
            "    if now.tzinfo is None:",
            '        raise ValueError("naive datetime; pass an aware one")',
            "    return now - timedelta(hours=hours)",
        ],
        [("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone")],
        [],
        [
            f"def test_{name}_rejects_naive_times() -> None:",
            "    with pytest.raises(ValueError):",
            f"        {name}(datetime(2024, 1, 1))",
        ],
    )


def duration_shape(w: Words) -> Snippet:
    name = f"describe_{w.noun}_duration"
    return Snippet(
        name,
        [
            f"def {name}(seconds: float) -> str:",
            *docstring("A short human duration: `45 s`, `3 min 20 s`, `2 h 5 min`.", "    "),
            "    whole = int(round(seconds))",
            "    if whole < 60:",
            '        return f"{whole} s"',
            "    minutes, secs = divmod(whole, 60)",
            "    if minutes < 60:",
            '        return f"{minutes} min {secs} s" if secs else f"{minutes} min"',
            "    hours, minutes = divmod(minutes, 60)",
            '    return f"{hours} h {minutes} min" if minutes else f"{hours} h"',
        ],
        [],
        [],
        [f"def test_{name}() -> None:", f'    assert {name}(200) == "3 min 20 s"'],
    )


def validate_email_shape(w: Words) -> Snippet:
    name = f"is_valid_{w.thing}_contact"
    return Snippet(
        name,
        [
            f"def {name}(address: str) -> bool:",
            *docstring("A cheap syntactic check; deliverability is the mail provider's problem.", "    "),
            "    return bool(_EMAIL.fullmatch(address.strip())) and len(address) <= 254",
        ],
        [("re", "")],
        ['_EMAIL = re.compile(r"[^@\\s]+@[^@\\s]+\\.[a-z]{2,}", re.IGNORECASE)'],
        [f"def test_{name}() -> None:", f'    assert {name}("ops@example.com")', f'    assert not {name}("not an address")'],
    )
