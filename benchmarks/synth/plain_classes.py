"""Classes of plain application code (value objects, state machines, settings, a rate limiter,
a protocol with a fake, a retry decorator with its error), each with what it needs and a test."""

from __future__ import annotations

from synth.names import STATUS_SETS, camel
from synth.plain_snippets import Snippet, Words
from synth.repo import docstring


def retry_shape(w: Words) -> Snippet:
    attempts = w.rng.randint(3, 6)
    delay = w.rng.choice(("0.2", "0.5", "1.0"))
    name = f"retry_{w.verb}"
    return Snippet(
        name,
        [
            "class TransientError(RuntimeError):",
            '    """A failure worth retrying: a timeout, a dropped connection."""',
            "",
            "",
            f"def {name}(func: Callable[..., R]) -> Callable[..., R]:",
            *docstring(f"Retries `func` up to {attempts} times on a transient error, doubling the pause each time.", "    "),
            "",
            "    @functools.wraps(func)",
            "    def wrapper(*args: Any, **kwargs: Any) -> R:",
            f"        pause = {delay}",
            f"        for attempt in range(1, {attempts} + 1):",
            "            try:",
            "                return func(*args, **kwargs)",
            "            except TransientError:",
            f"                if attempt == {attempts}:",
            "                    raise",
            '                logger.warning("attempt %d of %s failed; retrying", attempt, func.__name__)',
            "                time.sleep(pause)",
            "                pause *= 2",
            '        raise AssertionError("unreachable")',
            "",
            "    return wrapper",
        ],
        [("functools", ""), ("logging", ""), ("time", ""), ("collections.abc", "Callable"), ("typing", "Any"), ("typing", "TypeVar")],
        ['R = TypeVar("R")', "logger = logging.getLogger(__name__)"],
    )


def window_shape(w: Words) -> Snippet:
    cls = f"{camel(w.thing)}{camel(w.noun)}"
    return Snippet(
        cls,
        [
            "@dataclass(frozen=True)",
            f"class {cls}:",
            *docstring(f"A closed range of days a {w.thing} {w.noun} applies to.", "    "),
            "",
            "    start: date",
            "    end: date",
            f"    limit: int = {w.rng.choice((1, 5, 10, 30))}",
            "",
            "    def __post_init__(self) -> None:",
            "        if self.end < self.start:",
            '            raise ValueError(f"{self.end} is before {self.start}")',
            "",
            "    @property",
            "    def days(self) -> int:",
            "        return (self.end - self.start).days + 1",
            "",
            "    def contains(self, day: date) -> bool:",
            "        return self.start <= day <= self.end",
            "",
            f"    def overlaps(self, other: {cls}) -> bool:",
            "        return self.start <= other.end and other.start <= self.end",
        ],
        [("dataclasses", "dataclass"), ("datetime", "date")],
        [],
        [
            f"def test_{w.thing}_{w.noun}_days_include_both_ends() -> None:",
            f"    span = {cls}(date(2024, 1, 1), date(2024, 1, 31))",
            "    assert span.days == 31",
            "    assert span.contains(date(2024, 1, 31))",
        ],
    )


def state_machine_shape(w: Words) -> Snippet:
    states = w.rng.choice(STATUS_SETS)
    cls = f"{camel(w.thing)}State"
    members = [f'    {s.upper()} = "{s}"' for s in states]
    moves = [f"    {cls}.{a.upper()}: frozenset({{{cls}.{b.upper()}}})," for a, b in zip(states, states[1:])]
    return Snippet(
        cls,
        [
            f"class {cls}(str, Enum):",
            *docstring(f"Where a {w.thing} is in its life; it only ever moves forward.", "    "),
            "",
            *members,
            "",
            "",
            f"_NEXT: dict[{cls}, frozenset[{cls}]] = {{",
            *moves,
            "}",
            "",
            "",
            f"def can_move(current: {cls}, target: {cls}) -> bool:",
            '    """Whether the transition is allowed; staying put always is."""',
            "    return current == target or target in _NEXT.get(current, frozenset())",
        ],
        [("enum", "Enum")],
        [],
        [
            f"def test_{w.thing}_state_moves_forward_only() -> None:",
            f"    assert can_move({cls}.{states[0].upper()}, {cls}.{states[1].upper()})",
            f"    assert not can_move({cls}.{states[1].upper()}, {cls}.{states[0].upper()})",
        ],
    )


def settings_shape(w: Words) -> Snippet:
    cls = f"{camel(w.noun)}Settings"
    keys = w.rng.sample(("timeout", "batch_size", "region", "retries", "currency", "threshold", "window_days"), 4)
    types = {"timeout": ("float", "30.0"), "batch_size": ("int", "200"), "region": ("str", '"eu-west-1"'), "retries": ("int", "3"),
             "currency": ("str", '"EUR"'), "threshold": ("float", "0.8"), "window_days": ("int", "7")}  # fmt: skip
    fields_ = [f"    {k}: {types[k][0]} = {types[k][1]}" for k in keys]
    known = ", ".join(f'"{k}"' for k in keys)
    return Snippet(
        cls,
        [
            "@dataclass(frozen=True)",
            f"class {cls}:",
            *docstring(f"Tunables of the {w.noun} step; every one has a safe default.", "    "),
            "",
            *fields_,
            "",
            "    @classmethod",
            f"    def from_mapping(cls, raw: Mapping[str, Any]) -> {cls}:",
            '        """Reads known keys and rejects typos instead of silently ignoring them."""',
            f"        unknown = sorted(set(raw) - {{{known}}})",
            "        if unknown:",
            '            raise ValueError(f"unknown settings: {\', \'.join(unknown)}")',
            "        return cls(**dict(raw))",
        ],
        [("dataclasses", "dataclass"), ("collections.abc", "Mapping"), ("typing", "Any")],
        [],
        [
            f"def test_{w.noun}_settings_reject_typos() -> None:",
            "    with pytest.raises(ValueError):",
            f'        {cls}.from_mapping({{"{keys[0]}x": 1}})',
        ],
    )


def rate_limiter_shape(w: Words) -> Snippet:
    cls = f"{camel(w.thing)}RateLimiter"
    rate = w.rng.choice((5, 10, 20, 50))
    return Snippet(
        cls,
        [
            f"class {cls}:",
            *docstring(f"A token bucket: at most {rate} calls a second to the {w.thing} provider, with bursts.", "    "),
            "",
            f"    def __init__(self, rate: float = {rate}, burst: int = {rate * 2}) -> None:",
            "        self.rate = rate",
            "        self.burst = burst",
            "        self.tokens = float(burst)",
            "        self.updated = time.monotonic()",
            "",
            "    def _refill(self) -> None:",
            "        now = time.monotonic()",
            "        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)",
            "        self.updated = now",
            "",
            "    def try_acquire(self) -> bool:",
            "        self._refill()",
            "        if self.tokens >= 1:",
            "            self.tokens -= 1",
            "            return True",
            "        return False",
            "",
            "    def wait(self) -> None:",
            "        while not self.try_acquire():",
            "            time.sleep(1 / self.rate)",
        ],
        [("time", "")],
        [],
        [
            f"def test_{w.thing}_rate_limiter_allows_a_burst() -> None:",
            f"    limiter = {cls}(rate=1, burst=2)",
            "    assert limiter.try_acquire() and limiter.try_acquire()",
        ],
    )


def calculator_shape(w: Words) -> Snippet:
    cls = f"{camel(w.thing)}Totals"
    tax = w.rng.choice(("0.20", "0.19", "0.21", "0.07", "0.10"))
    return Snippet(
        cls,
        [
            "@dataclass",
            f"class {cls}:",
            *docstring(f"Running totals of a {w.thing}'s lines; tax is applied once, on the net sum.", "    "),
            "",
            f'    tax_rate: Decimal = Decimal("{tax}")',
            "    lines: list[tuple[str, int, Decimal]] = field(default_factory=list)",
            "",
            "    def add(self, label: str, quantity: int, unit_price: Decimal) -> None:",
            "        if quantity <= 0:",
            '            raise ValueError("quantity must be positive")',
            "        self.lines.append((label, quantity, unit_price))",
            "",
            "    @property",
            "    def net(self) -> Decimal:",
            "        return sum((q * p for _, q, p in self.lines), Decimal(0))",
            "",
            "    @property",
            "    def tax(self) -> Decimal:",
            '        return (self.net * self.tax_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)',
            "",
            "    @property",
            "    def gross(self) -> Decimal:",
            "        return self.net + self.tax",
        ],
        [("dataclasses", "dataclass"), ("dataclasses", "field"), ("decimal", "ROUND_HALF_UP"), ("decimal", "Decimal")],
        [],
        [
            f"def test_{w.thing}_totals_gross_is_net_plus_tax() -> None:",
            f"    totals = {cls}()",
            '    totals.add("x", 2, Decimal("5.00"))',
            "    assert totals.gross == totals.net + totals.tax",
        ],
    )


def protocol_shape(w: Words) -> Snippet:
    proto = f"{camel(w.thing)}Notifier"
    return Snippet(
        proto,
        [
            f"class {proto}(Protocol):",
            *docstring(f"Anything that can tell a person about a {w.thing}: e-mail, chat, SMS.", "    "),
            "",
            "    def send(self, recipient: str, subject: str, body: str) -> None: ...",
            "",
            "",
            f"class Logging{proto}:",
            '    """Writes notifications to the log instead of sending them (development, tests)."""',
            "",
            "    def __init__(self) -> None:",
            "        self.sent: list[tuple[str, str]] = []",
            "",
            "    def send(self, recipient: str, subject: str, body: str) -> None:",
            "        self.sent.append((recipient, subject))",
            '        logging.getLogger(__name__).info("to %s: %s", recipient, subject)',
        ],
        [("logging", ""), ("typing", "Protocol")],
        [],
        [
            f"def test_logging_{w.thing}_notifier_records() -> None:",
            f"    notifier = Logging{proto}()",
            '    notifier.send("a@example.com", "hi", "body")',
            '    assert notifier.sent == [("a@example.com", "hi")]',
        ],
    )
