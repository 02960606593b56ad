"""Reading a roadmap file: refusing what is not UTF-8 Markdown text, in one clear line."""

from __future__ import annotations

import stat
from pathlib import Path

from roadmap.errors import InputError

#: A NUL byte in the first block marks a binary file.
_BINARY_PROBE = 8192
#: Real roadmaps are tens of kilobytes; tokenising Markdown runs at a few hundred kilobytes a
#: second, so a larger file is refused at once rather than left to look like a hang.
_MIB = 1024 * 1024
MAX_BYTES = 16 * _MIB


def read_source(path: Path) -> str:
    """The text of a roadmap file, or an InputError that names the problem."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path}: is a directory, not a roadmap file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: not a regular file")
        if info.st_size > MAX_BYTES:
            raise InputError(f"{path}: {info.st_size / _MIB:.1f} MiB is more than a roadmap "
                             f"file may be ({MAX_BYTES // _MIB} MiB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    return decode(data, str(path))


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark allowed), or an InputError naming the bad byte."""
    if b"\x00" in data[:_BINARY_PROBE]:
        raise InputError(f"{name}: binary file, not Markdown text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start]
        raise InputError(
            f"{name}: not UTF-8 text (byte 0x{bad:02x} at offset {error.start})"
        ) from None
