"""The whole linked index of an unchanged project, for the commands that load it whole (`graph`, `verify`).

Every other command reads the stored rows (`depmap.index.linked_store`), and a cold run of one of
them writes no pickle: the first command that needs the whole index builds it from the rows and
writes it (`build._whole_stored`). Linking facts and building the graph cost about 1 s per 100k
lines, and reading the index from its rows more: when no file changed since it was written, the
linked facts, catalog and graph are loaded as one pickle instead. A pickle runs code when loaded, so it is
signed (HMAC-SHA256, the last 32 bytes) with a key that lives in the user's own private cache folder
(`depmap.index.signing_key`), never in the project: a file
restored by CI, copied from elsewhere or tampered with fails the check and is ignored (the JSON
scan cache, which is data only, still applies). Anything unexpected means "rebuild", silently.

The pickle is stored compressed (zlib), and the signature covers the compressed bytes: loading
reads and checks those (a fifth of the pickle), then inflates them as the unpickler asks, so the
pickle itself (70 MB at a million lines) is never held in memory beside the index it builds.

A pickler keeps every object it wrote, and the arguments it wrote each with, until it ends: over a
whole index that memo was 130 MB at a million lines, the highest point of a cold scan. So the index
is written in parts, each by a pickler of its own: the key and the number of facts, then the facts
in slices of `FACTS_A_PART`, then the rest (skipped files, catalog, graph), where a fact of the list
is written as its position (`persistent_id`) and read back as the same object. A stale key is
known from the first part, before any fact is read.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import zlib
from pathlib import Path
from typing import Any, Iterable

from depmap.index.cache_folder import INDEX_FILE, create_new, make_folder, open_existing
from depmap.index.signing_key import signing_key
from depmap.model import Fact

_SIGNATURE_BYTES = 32
_LEVEL = 1  # the fastest: the pickle shrinks to a fifth all the same
_CHUNK = 1 << 18  # compressed bytes inflated at a time
FACTS_A_PART = 20_000  # facts per pickler: its memo holds about 150k objects at most


def index_key(stamp: str, context: str, files: Iterable[tuple[str, str]], settings: str) -> str:
    """What the linked index depends on: depmap itself, the scan context, every file's content."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (stamp, context, settings):
        digest.update(part.encode() + b"\0")
    for path, content in files:
        digest.update(f"{path}\0{content}\0".encode())
    return digest.hexdigest()


def load(folder: Path, key: str) -> Any | None:
    """The stored index for `key`, or None (missing, stale, unsigned, foreign or damaged)."""
    secret = signing_key(create=False)
    path = folder / INDEX_FILE
    if secret is None:
        return None
    try:
        with os.fdopen(open_existing(path), "rb") as handle:  # never through a link
            data = handle.read()
    except OSError:
        return None
    view = memoryview(data)  # slices of a view share the file's bytes: no second copy of a large index
    body, signature = view[:-_SIGNATURE_BYTES], view[-_SIGNATURE_BYTES:]
    if not hmac.compare_digest(bytes(signature), hmac.new(secret, body, hashlib.sha256).digest()):
        return None
    try:  # build_index pauses the garbage collector around this: unpickling is 2.5x faster without it
        return _read_parts(_Inflating(body), key)
    except Exception:  # signed by us, so only a bug or a depmap upgrade gets here: rebuild
        return None


def _read_parts(source: "_Inflating", key: str) -> Any | None:
    """The index written by `_write_parts`, or None when it is another key's."""
    stored_key, count = pickle.load(source)
    if stored_key != key or not isinstance(count, int):
        return None
    facts: list[Any] = []
    while len(facts) < count:
        facts.extend(pickle.load(source))
    rest = _FactsUnpickler(source, facts).load()
    return (facts, *rest)


def save(folder: Path, key: str, value: tuple) -> None:
    """Store the index (facts, skipped, catalog, graph) atomically; failure costs only the speed of the next run."""
    secret = signing_key(create=True)
    if secret is None:
        return
    partial = folder / f"{INDEX_FILE}.{os.getpid()}.tmp"
    try:
        make_folder(folder.parent)
        with os.fdopen(create_new(partial), "wb") as handle:
            signer = _SigningWriter(handle, hmac.new(secret, digestmod=hashlib.sha256))
            _write_parts(signer, key, value)  # streamed: no second copy in memory
            signer.finish()
            handle.write(signer.mac.digest())
        os.replace(partial, folder / INDEX_FILE)
    except FileExistsError:
        pass  # another run writes it (or something planted is there): never ours to remove
    except (OSError, pickle.PicklingError, RecursionError):
        partial.unlink(missing_ok=True)


def _write_parts(out: Any, key: str, value: tuple) -> None:
    """The index as parts, each pickler's memo freed before the next (see the module's docstring)."""
    facts, *rest = value
    pickle.dump((key, len(facts)), out, protocol=pickle.HIGHEST_PROTOCOL)
    for start in range(0, len(facts), FACTS_A_PART):
        pickle.dump(facts[start:start + FACTS_A_PART], out, protocol=pickle.HIGHEST_PROTOCOL)
    _FactsPickler(out, {id(fact): position for position, fact in enumerate(facts)}).dump(tuple(rest))


class _FactsPickler(pickle.Pickler):
    """Writes a fact of the index's list as its position in it."""

    def __init__(self, out: Any, positions: dict[int, int]) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.positions = positions

    def persistent_id(self, obj: Any) -> int | None:
        return self.positions.get(id(obj)) if type(obj) is Fact else None


class _FactsUnpickler(pickle.Unpickler):
    """Reads a fact's position back as the fact of the list."""

    def __init__(self, source: Any, facts: list[Any]) -> None:
        super().__init__(source)
        self.facts = facts

    def persistent_load(self, position: Any) -> Any:
        return self.facts[position]


class _SigningWriter:
    """A file that compresses what is written to it and signs the compressed bytes."""

    def __init__(self, handle: Any, mac: hmac.HMAC) -> None:
        self.handle, self.mac = handle, mac
        self.deflate = zlib.compressobj(_LEVEL)

    def write(self, data: bytes) -> int:
        self._out(self.deflate.compress(data))
        return len(data)

    def finish(self) -> None:
        self._out(self.deflate.flush())

    def _out(self, packed: bytes) -> None:
        self.mac.update(packed)
        self.handle.write(packed)


class _Inflating:
    """The pickle within verified compressed bytes, read as a file (what `pickle.load` asks of one)."""

    def __init__(self, packed: memoryview) -> None:
        self.packed, self.at = packed, 0
        self.inflate = zlib.decompressobj()
        self.buffer, self.start = b"", 0

    def _fill(self, wanted: int) -> None:
        """Inflate until `wanted` bytes are ready or the input ends."""
        parts = [self.buffer[self.start:]]
        ready = len(parts[0])
        while ready < wanted and (self.at < len(self.packed) or self.inflate.unconsumed_tail):
            source = self.inflate.unconsumed_tail or self.packed[self.at:self.at + _CHUNK]
            if not self.inflate.unconsumed_tail:
                self.at += len(source)
            part = self.inflate.decompress(source, max(wanted - ready, _CHUNK))
            parts.append(part)
            ready += len(part)
        if ready < wanted and self.at >= len(self.packed) and not self.inflate.unconsumed_tail:
            parts.append(self.inflate.flush())  # the end of the stream: whatever zlib still holds
        self.buffer, self.start = b"".join(parts), 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = 1 << 62
        if len(self.buffer) - self.start < size:
            self._fill(size)
        part = self.buffer[self.start:self.start + size]
        self.start += len(part)
        return part

    def readinto(self, target: Any) -> int:
        part = self.read(len(target))
        target[:len(part)] = part
        return len(part)

    def readline(self) -> bytes:
        while True:
            end = self.buffer.find(b"\n", self.start)
            if end >= 0 or (self.at >= len(self.packed) and not self.inflate.unconsumed_tail):
                return self.read(end + 1 - self.start if end >= 0 else -1)
            self._fill(len(self.buffer) - self.start + _CHUNK)
