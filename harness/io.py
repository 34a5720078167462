"""Atomic file writes: a reader never sees a half-written result."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from harness.errors import ConfigError, DataError, HarnessError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and
    ``os.replace``, so that the file is either the old one or the complete new one.
    The file gets the usual permissions (0666 less the umask), not mkstemp's 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], obj: Any, *, indent: int | None = 2) -> Path:
    """Serialise ``obj`` as JSON (NaN refused: results must be valid JSON) and write it atomically."""
    text = json.dumps(obj, indent=indent, allow_nan=False, sort_keys=False)
    return atomic_write_text(path, text + "\n")


# --- names and containment: one rule for every path the harness derives from user input ---

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")


def check_slug(value: object, what: str) -> str:
    """``value`` as a safe single path component (letters, digits, ``. _ + -``; not starting
    with a dot or dash, no ``/``); ConfigError naming ``what`` otherwise."""
    text = str(value)
    if not _SLUG.fullmatch(text) or ".." in text:
        raise ConfigError(
            f"{what}: {text!r} is not a safe name (use letters, digits, '.', '_', '+', '-'; "
            "no '/', no '..', not starting with '.' or '-')")
    return text


def contained(path: str | os.PathLike[str], root: str | os.PathLike[str], what: str,
              error: type[Exception] | None = None) -> Path:
    """``path`` when it lies under ``root`` after resolving ``..`` and symlinks (the one
    containment rule: output paths, video ids, feature files); ``error`` (HarnessError by
    default) naming the path otherwise."""
    p, r = Path(path), Path(root)
    real = p.resolve()
    if not real.is_relative_to(r.resolve()):
        via = f" (it resolves to {real})" if p.is_symlink() else ""
        raise (error or HarnessError)(
            f"{p}: {what} lies outside {r} after resolving '..' and symlinks{via}; refused")
    return p


# --- JSON input: a duplicated key is an error, never "the last one wins" ---


class DuplicateKeyError(ValueError):
    """A JSON object holds the same key twice."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(f"duplicate key {key!r}")
        out[key] = value
    return out


def loads_json(text: str | bytes) -> Any:
    """``json.loads`` that raises :class:`DuplicateKeyError` (a ValueError, like
    ``json.JSONDecodeError``) on a key that appears twice in one object."""
    return json.loads(text, object_pairs_hook=_no_duplicates)


def read_json(path: str | os.PathLike[str], what: str = "JSON file") -> Any:
    """The parsed JSON of ``path``; DataError naming the file on any problem (missing,
    unreadable, invalid, duplicated key)."""
    try:
        return loads_json(Path(path).read_bytes())
    except FileNotFoundError:
        raise DataError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise DataError(f"{path}: {what} is a folder, not a file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: invalid {what} ({' '.join(str(exc).split())})") from None


def ensure_output_dir(path: str | os.PathLike[str], what: str = "output folder") -> Path:
    """Create ``path`` (a folder the harness writes into) or raise a one-line HarnessError
    when it is a file, lies under a file, or cannot be written (read-only, no permission)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise HarnessError(f"{path}: {what} is a file, not a folder")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise HarnessError(f"{path}: {what} lies under {parent}, which is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HarnessError(f"{path}: cannot create the {what} ({exc.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise HarnessError(f"{path}: {what} is read-only (no write permission)")
    return path


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def json_pairs(node: Any) -> int:
    """Key-value pairs in all objects of a parsed JSON value."""
    count, stack = 0, [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return count


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (when it runs) for the block.

    Building a large acyclic tree of containers (a parsed JSON file of ~10^5 objects) triggers
    many collections that each walk everything built so far: orjson parses a 40 MB prediction
    file in ~0.2 s with them paused against ~0.7 s without. Reference counting still frees
    memory; only cycles wait until the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads_json_fast(raw: bytes, count_pairs: Callable[[Any], int] | None = None) -> Any:
    """:func:`loads_json` through orjson (strict JSON; ValueError for NaN literals and bad
    input). orjson keeps the last of two equal keys, so duplicates are found by counting:
    every key in the text is followed by one ``:`` outside strings, and the parsed objects
    keep one pair per distinct key, so fewer pairs than colons means a duplicated key; then
    the strict parser names it.

    ``count_pairs`` (default: a walk of every object) may return any lower bound of the
    parsed pairs that is exact for the common case (e.g. a count that knows the file's
    layout): colons >= pairs in the text >= parsed pairs >= the bound, so equality with the
    colons still proves that no key repeats, and an undercount only costs the strict parse.
    """
    import orjson  # only the large-file readers need it

    with gc_paused():
        data = orjson.loads(raw)
    pairs = (count_pairs or json_pairs)(data)
    # pairs = colons - colons inside strings - duplicates: equal to the raw colon count only
    # when both are zero, so the string-stripping pass runs only for files with ':' in a string
    if pairs != raw.count(b":") and pairs != _STRING.sub(b"", raw).count(b":"):
        return loads_json(raw)  # raises DuplicateKeyError naming the key
    return data
