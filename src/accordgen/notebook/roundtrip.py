"""Editing a drafter's YAML file in place: comments, key order, quoting and layout survive.

The form changes values inside a ruamel.yaml round-trip tree (``YAML(typ="rt")``, quotes
preserved). ruamel re-lays out a few constructs on output (``- - item`` nested lists, very long
plain lines); so the new text is ruamel's dump merged line by line into the original text: a
line whose value did not change stays byte for byte what the drafter wrote.

Values are read with :func:`accordgen.yamlio.parse_yaml` (the loader every document goes
through), so the form compares and validates exactly what ``load`` would see.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    ScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from ..errors import InputError
from ..safeio import read_regular_file
from ..yamlio import MAX_BYTES, parse_file_bytes, parse_yaml

# (mapping indent, sequence indent, dash offset): the layouts drafters' files use.
_LAYOUTS = [(2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0), (4, 2, 0)]
FOLD_WIDTH = 84
"""Width at which a new long text written as a folded block (``>-``) is wrapped."""


def _yaml(layout: tuple[int, int, int]) -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a drafter's long line
    y.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return y


def _dump(y: YAML, data: Any) -> str:
    buf = io.StringIO()
    y.dump(data, buf)
    return buf.getvalue()


class YamlFile:
    """A YAML parameter file opened for editing.

    ``tree`` is the ruamel tree to change; ``values`` what ``load`` reads from the file
    (plain dicts, lists, strings: dates stay strings). :meth:`text` gives the new file text.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        # one bounded read of a regular file (InputError in French when unreadable)
        self.data = read_regular_file(self.path, MAX_BYTES)
        self.values = parse_file_bytes(self.data, self.path)
        text = self.data.decode("utf-8-sig")
        self.bom = self.data.startswith(b"\xef\xbb\xbf")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.original = text.replace("\r\n", "\n")
        self._lines = self.original.splitlines()
        try:  # parsed once: the layout (indentation) only decides how the tree is written
            self.tree = _yaml(_LAYOUTS[0]).load(self.original)
        except Exception as exc:  # ruamel refuses what our loader accepted: say so
            raise InputError(self.path, f"YAML non modifiable par le formulaire : {exc}") from None
        best: tuple[int, tuple[int, int, int], str] | None = None
        for layout in _LAYOUTS:  # the layout whose writing of the tree is closest to the file
            base = _dump(_yaml(layout), self.tree)
            cost = _difference(self._lines, base.splitlines())
            if best is None or cost < best[0]:
                best = (cost, layout, base)
            if cost == 0:
                break
        assert best is not None
        self.layout_cost, self.layout, base = best
        self._yaml = _yaml(self.layout)
        self._base = base.splitlines()

    def text(self) -> str:
        """The file's new text: ruamel's dump of :attr:`tree`, merged into the original."""
        ours_text = _dump(self._yaml, self.tree)
        merged = "\n".join(merge3(self._lines, self._base, ours_text.splitlines()))
        if self.original.endswith("\n") or not self.original:
            merged += "\n"
        try:
            same = parse_yaml(merged) == parse_yaml(ours_text)
        except InputError:
            same = False
        text = merged if same else ours_text  # the merge is a courtesy, never a risk
        return text.replace("\n", self.newline)

    def new_bytes(self) -> bytes:
        data = self.text().encode("utf-8")
        return (b"\xef\xbb\xbf" + data) if self.bom else data


def _difference(a: Sequence[str], b: Sequence[str]) -> int:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


def merge3(original: Sequence[str], base: Sequence[str], ours: Sequence[str]) -> list[str]:
    """Three-way line merge: ``base`` is ruamel's dump of the unchanged file, ``original`` the
    drafter's text, ``ours`` ruamel's dump after the changes. Lines ruamel lays out differently
    (base != original) keep the original text unless a change touches them."""
    def changes(other: Sequence[str]) -> list[tuple[int, int, int, int]]:
        sm = difflib.SequenceMatcher(None, base, other, autojunk=False)
        return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]

    layout, edits = changes(original), changes(ours)
    events = sorted([(i1, i2, "F") for i1, i2, _, _ in layout] + [(i1, i2, "C") for i1, i2, _, _ in edits])
    clusters: list[list[Any]] = []
    for i1, i2, what in events:
        if clusters and i1 <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], i2)
            clusters[-1][2].add(what)
        else:
            clusters.append([i1, i2, {what}])

    def mapper(opcodes: list[tuple[int, int, int, int]], i: int, end: bool) -> int:
        """Position in the other text of base position ``i``, a cluster bound: a start maps
        before the changes at ``i``, an end after them."""
        shift = 0
        for i1, i2, _j1, j2 in opcodes:
            if i1 < i or (end and i1 == i):
                shift = j2 - i2
            else:
                break
        return i + shift

    out: list[str] = []
    pos, after = 0, False  # base position reached; whether it is a cluster end
    for start, end, what in clusters:
        out += original[mapper(layout, pos, after):mapper(layout, start, False)]
        source, opcodes = (ours, edits) if "C" in what else (original, layout)
        out += source[mapper(opcodes, start, False):mapper(opcodes, end, True)]
        pos, after = end, True
    out += original[mapper(layout, pos, after):]
    return out


# --- building and replacing nodes ------------------------------------------------------

def fold(text: str, width: int = FOLD_WIDTH) -> FoldedScalarString:
    """A long text as a folded block (``>-``), wrapped at ``width`` characters."""
    node = FoldedScalarString(text)
    positions: list[int] = []
    line_start = 0
    last_space = -1
    for i, ch in enumerate(text):
        if ch == " " and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " ":
            last_space = i
        if i - line_start >= width and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
    node.fold_pos = positions  # type: ignore[attr-defined]
    return node


def scalar_node(value: Any, old: Any = None, *, as_date: bool = False) -> Any:
    """The YAML node for a new scalar ``value``, in the style of the ``old`` node it replaces
    (quotes, folded or literal block)."""
    if as_date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, str):
        return value
    if "\n" in value:
        return LiteralScalarString(value)
    if isinstance(old, FoldedScalarString) or (old is None and len(value) > FOLD_WIDTH):
        return fold(value)
    for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, style):
            return style(value)
    if isinstance(old, ScalarString) and not isinstance(old, LiteralScalarString):
        return DoubleQuotedScalarString(value)
    return value


# --- comments that belong to the next key ----------------------------------------------
# ruamel attaches the comment lines *before* a key to the end of the previous entry (the
# deepest last element of its value). Inserting, appending or deleting an entry moves them
# so they stay above the entry they describe.

def _owner(container: Any, key: Any) -> tuple[Any, Any]:
    value = container[key]
    if isinstance(value, CommentedMap) and len(value):
        return _owner(value, list(value.keys())[-1])
    if isinstance(value, CommentedSeq) and len(value):
        return _owner(value, len(value) - 1)
    return container, key


def _slot(container: Any) -> int:
    return 0 if isinstance(container, CommentedSeq) else 2


def detach_trailing(container: Any, key: Any) -> str:
    """Remove and return the comment lines after the entry ``key`` (its end-of-line comment
    stays)."""
    owner, k = _owner(container, key)
    entry = owner.ca.items.get(k)
    slot = _slot(owner)
    if not entry or len(entry) <= slot or entry[slot] is None:
        return ""
    token = entry[slot]
    value = token.value
    # The token starts with the end of the entry's own line: "\n" or "# eol comment\n".
    head, _, rest = value.partition("\n")
    if not rest:
        return ""
    if head.strip():
        token.value = head + "\n"
    else:
        entry[slot] = None
    return rest


def attach_trailing(container: Any, key: Any, rest: str) -> None:
    """Put comment lines ``rest`` after the entry ``key``."""
    if not rest:
        return
    owner, k = _owner(container, key)
    slot = _slot(owner)
    entry = owner.ca.items.setdefault(k, [None, None, None, None])
    while len(entry) <= slot:
        entry.append(None)
    if entry[slot] is None:
        entry[slot] = CommentToken("\n" + rest, CommentMark(0), None)
    else:
        entry[slot].value = entry[slot].value.rstrip("\n") + "\n" + rest


def insert_after(mapping: CommentedMap, key: str, value: Any, after: str | None) -> None:
    """Insert ``key`` right after the key ``after`` (or first), keeping the comment that
    introduced the following key above it."""
    value = commented(value)
    if after is None:
        mapping.insert(0, key, value)
        return
    rest = detach_trailing(mapping, after)
    mapping.insert(list(mapping.keys()).index(after) + 1, key, value)
    attach_trailing(mapping, key, rest)


def delete_key(mapping: CommentedMap, key: str) -> None:
    """Delete ``key``; the comment lines that followed it move to the previous key."""
    keys = list(mapping.keys())
    rest = detach_trailing(mapping, key)
    mapping.ca.items.pop(key, None)
    del mapping[key]
    i = keys.index(key)
    if rest and i > 0:
        attach_trailing(mapping, keys[i - 1], rest)
    elif rest and i + 1 < len(keys):
        mapping.yaml_set_comment_before_after_key(
            keys[i + 1], before="\n".join(line.lstrip("# ") for line in rest.strip("\n").splitlines()))


def reorder(seq: CommentedSeq, nodes: list[Any], origins: list[int | None]) -> None:
    """Replace the items of ``seq`` by ``nodes``; ``origins[i]`` is the former index of
    ``nodes[i]`` (``None`` for a new item). Each item keeps its comments; the comment lines
    after the former last item stay at the end of the list."""
    tail = detach_trailing(seq, len(seq) - 1) if len(seq) else ""
    old_comments = dict(seq.ca.items)
    del seq[:]
    seq.ca.items.clear()
    seq.extend(commented(n) for n in nodes)
    for i, origin in enumerate(origins):
        if origin is not None and origin in old_comments:
            seq.ca.items[i] = old_comments[origin]
    if len(seq):
        attach_trailing(seq, len(seq) - 1, tail)


def commented(value: Any) -> Any:
    """Plain dicts and lists as ruamel nodes (so comments can attach to their last entry)."""
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = commented(v)
        return out
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        return CommentedSeq(commented(v) for v in value)
    return value


def plain(node: Any) -> Any:
    """A ruamel node as plain Python (dicts, lists, str, int...), dates as ISO strings."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, ScalarString):
        return str(node)
    if isinstance(node, date):
        return node.isoformat()
    return node


def replace_keys(mapping: CommentedMap, entries: list[tuple[str, Any, Any]]) -> None:
    """Replace the entries of ``mapping`` by ``(key, node, former key or None)``, in order.
    Each entry keeps the comments of its former key; the comment lines after the former last
    entry stay at the end."""
    tail = detach_trailing(mapping, list(mapping)[-1]) if len(mapping) else ""
    comments = dict(mapping.ca.items)
    for key in list(mapping):
        del mapping[key]
    mapping.ca.items.clear()
    for key, node, origin in entries:
        mapping[key] = commented(node)
        if origin is not None and origin in comments:
            mapping.ca.items[key] = comments[origin]
    if len(mapping):
        attach_trailing(mapping, list(mapping)[-1], tail)
