"""Writing a file so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str, *, durable: bool = True) -> None:
    """Write `text` (UTF-8, '\\n' newlines) to a temp file beside `path`, then os.replace it.

    A file rewritten keeps its mode; a new one gets the mode the umask gives (as `open` would). A
    symlink is written through: its target is replaced, the link stays. `durable` fsyncs the data
    first, so a crash cannot leave an empty file behind; a cache, which is only ever a shortcut,
    skips that cost.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600 whatever the umask
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits the file at `path` has, else those a new file gets under the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        pass
    umask = os.umask(0o022)  # the only portable way to read the umask is to set it; put it straight back
    os.umask(umask)
    return 0o666 & ~umask
