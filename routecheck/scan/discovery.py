"""Which files a scan reads: walking folders (or asking git), include/exclude globs, and skip notes.

Inside a git work tree one `git ls-files` call lists the files git does not ignore; elsewhere the
folders are walked, following symbolic links once (a loop is a note, not a hang). A symbolic link
whose target lies outside both the folder being scanned and the project root (`ln -s .. up`, a link
to /etc/passwd) is a note and is not followed: a scan never reads outside the tree it was given.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from routecheck.errors import UsageError
from routecheck.finding import Note
from routecheck.paths import display_path
from routecheck.scan.glob import glob_matches
from routecheck.scan.rules import CONFIG_SUFFIXES

Kind = Literal["python", "notebook", "config"]

_CONFIG_SUFFIXES = frozenset(CONFIG_SUFFIXES)  # RC205's, declared beside its page
#: Folders no scan walks into (what ruff and pre-commit users expect to be left alone).
SKIPPED_FOLDERS = frozenset({
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", "__pycache__", "node_modules",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".routecheck_cache", ".hypothesis", ".eggs",
    "site-packages", "__pypackages__", "_build", "buck-out", "build", "dist",
})


def file_kind(name: str) -> Kind | None:
    """'python' for .py files, 'notebook' for .ipynb, 'config' for the config formats RC205 reads, else None."""
    if name.endswith(".py"):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _CONFIG_SUFFIXES or name == ".env" or name.startswith(".env."):
        return "config"
    return None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to scan: where it is, how it is shown, where it sits in the project, what it is."""

    path: Path
    display: str
    rel: str
    kind: Kind


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """The project's include/exclude globs, relative to its root."""

    root: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wanted(self, rel: str | None) -> bool:
        if rel is None:
            return True
        if self.include and not any(glob_matches(rel, p) for p in self.include):
            return False
        return not any(glob_matches(rel, p) for p in self.exclude)


def _below(path: str, folder: str) -> str | None:
    """`path` relative to `folder` as a POSIX string, if below it (string work: this runs per file)."""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix):]
    return rest if os.sep == "/" else rest.replace(os.sep, "/")


def discover(paths: Sequence[Path], selection: Selection) -> Discovery:
    """The files under `paths` (files or folders, relative to the current directory) that a scan reads."""
    found = Discovery()
    cwd = os.getcwd()
    seen: set[str] = set()
    for given in paths:
        absolute = Path(os.path.abspath(given))
        if not os.path.lexists(absolute):
            raise UsageError(f"{display_path(given)}: no such file or folder")
        if absolute.is_dir():
            trees = _Trees((str(absolute), str(selection.root)), found)
            listed = _git_files(absolute, trees)
            candidates = _walk(absolute, found, trees) if listed is None else listed
        else:
            candidates = iter([str(absolute)])  # named on the command line: the user's choice
        root = str(selection.root)
        for text in candidates:  # absolute and normalised: string work is what a per-file step can afford
            kind = file_kind(os.path.basename(text))
            if kind is None or text in seen:
                continue
            rel = _below(text, root)
            if rel is not None and any(part in SKIPPED_FOLDERS for part in rel.split("/")[:-1]):
                continue
            if not selection.wanted(rel):
                continue
            seen.add(text)
            path = Path(text)
            shown = _below(text, cwd) or path.as_posix()
            found.files.append(SourceFile(path, shown, rel or shown, kind))
    found.files.sort(key=lambda f: f.display)
    return found


class _Trees:
    """The folders a walk may reach through a symbolic link (resolved once), and the note for one that leaves."""

    def __init__(self, folders: Sequence[str], found: Discovery) -> None:
        self._bases = tuple({os.path.realpath(f).rstrip(os.sep) + os.sep for f in folders})
        self._found = found

    def follows(self, link: str, what: str) -> bool:
        """Whether the symbolic link `link` stays inside; if not, a note says it is not followed."""
        try:
            real = os.path.realpath(link) + os.sep
        except (OSError, ValueError):
            real = ""
        if real.startswith(self._bases):
            return True
        self._found.notes.append(Note(display_path(Path(link)), 1, 1,
                                      f"symbolic link to a {what} outside the project; not followed"))
        return False


def _git_files(folder: Path, trees: _Trees) -> Iterator[str] | None:
    """Files git lists under `folder` (tracked, and untracked but not ignored); None outside a work tree."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    names = sorted({name for name in os.fsdecode(done.stdout).split("\0") if name})
    if not names and _ignored_by_git(folder):
        return None  # asked to scan a folder git ignores as a whole (a vendored tree, an installed library)
    base = str(folder)
    paths = (os.path.join(base, name) for name in names if file_kind(name.rpartition("/")[2]) is not None)
    return (path for path in paths if _listed_file(path, trees))


def _listed_file(path: str, trees: _Trees) -> bool:
    """A file git lists that still exists (a deleted file is not a file) and is not a link out of the tree."""
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISLNK(mode) or trees.follows(path, "file")


def _ignored_by_git(folder: Path) -> bool:
    try:
        done = subprocess.run(["git", "-C", str(folder), "check-ignore", "-q", "."], capture_output=True,
                              timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _walk(folder: Path, found: Discovery, trees: _Trees) -> Iterator[str]:
    visited: set[tuple[int, int]] = set()
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            info = os.stat(current)
        except OSError as exc:
            found.notes.append(os_note(display_path(Path(current)), exc, "folder"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in visited:
            message = "symbolic link loop (folder already scanned); skipped"
            found.notes.append(Note(display_path(Path(current)), 1, 1, message))
            continue
        visited.add(key)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            found.notes.append(os_note(display_path(Path(current)), exc, "folder"))
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                linked = entry.is_symlink()  # from the directory entry: no system call
            except OSError:
                is_dir, linked = False, False
            if is_dir:
                if entry.name not in SKIPPED_FOLDERS and not entry.name.endswith(".egg-info") \
                        and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")) \
                        and (not linked or trees.follows(entry.path, "folder")):
                    stack.append(entry.path)
            elif not linked or file_kind(entry.name) is None or trees.follows(entry.path, "file"):
                yield entry.path


def os_note(shown: str, exc: OSError, what: str) -> Note:
    """The skip note for an OSError met reading a file or folder."""
    if exc.errno == errno.ELOOP:
        return Note(shown, 1, 1, "symbolic link loop; skipped")
    if exc.errno == errno.ENOENT:
        return Note(shown, 1, 1, "broken symbolic link; skipped")
    return Note(shown, 1, 1, f"cannot read {what}: {exc.strerror or exc}; skipped")
