"""The linked index of an unchanged project, kept next to the scan cache for instant warm queries.

Linking facts and building the graph cost about 1 s per 100k lines on every run, even when every
file comes from the cache. When no file changed since the last run, the linked facts, catalog and
graph are loaded as one pickle instead (about 0.1 s). A pickle runs code when loaded, so it is
signed (HMAC-SHA256, the last 32 bytes) with a key that lives in the user's own private cache folder
(`depmap.index.signing_key`), never in the project: a file
restored by CI, copied from elsewhere or tampered with fails the check and is ignored (the JSON
scan cache, which is data only, still applies). Anything unexpected means "rebuild", silently.

The pickle is stored compressed (zlib), and the signature covers the compressed bytes: loading
reads and checks those (a fifth of the pickle), then inflates them as the unpickler asks, so the
pickle itself (70 MB at a million lines) is never held in memory beside the index it builds.
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

_SIGNATURE_BYTES = 32
_LEVEL = 1  # the fastest: the pickle shrinks to a fifth all the same
_CHUNK = 1 << 18  # compressed bytes inflated at a time


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
        stored_key, value = pickle.load(_Inflating(body))
    except Exception:  # signed by us, so only a bug or a depmap upgrade gets here: rebuild
        return None
    return value if stored_key == key else None


def save(folder: Path, key: str, value: Any) -> None:
    """Store the index atomically; failure costs only the speed of the next run."""
    secret = signing_key(create=True)
    if secret is None:
        return
    partial = folder / f"{INDEX_FILE}.{os.getpid()}.tmp"
    try:
        make_folder(folder.parent)
        with os.fdopen(create_new(partial), "wb") as handle:
            signer = _SigningWriter(handle, hmac.new(secret, digestmod=hashlib.sha256))
            pickle.dump((key, value), signer, protocol=pickle.HIGHEST_PROTOCOL)  # streamed: no second copy in memory
            signer.finish()
            handle.write(signer.mac.digest())
        os.replace(partial, folder / INDEX_FILE)
    except FileExistsError:
        pass  # another run writes it (or something planted is there): never ours to remove
    except (OSError, pickle.PicklingError, RecursionError):
        partial.unlink(missing_ok=True)


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
