"""The Jinja sandbox templates run in, with bounds on the memory and time a render may take.

Templates come from a workspace a legal service edits: besides Jinja's sandbox (no Python
internals), a template must not be able to exhaust the machine. Three layers:

1. **Sizes, checked before the operation when it could grow without bound.** ``*`` (text or
   list repeated), ``**`` and ``*`` on whole numbers (estimated size of the result), ``%``
   and ``str.format`` (widths and precisions in the format), method calls and built-in
   filters given a whole number above :data:`MAX_SEQUENCE` (``'x'.ljust(300000000)``,
   ``center``, ``zfill``, ``indent``, ``batch``...), ``replace`` and ``join`` (estimated
   length of the result).
2. **Sizes, checked after every other operation** (``+``, ``~``, calls, filters): each input
   is already bounded, so one operation can only build a few times :data:`MAX_SEQUENCE`
   before it is refused; a rendered part is refused beyond :data:`MAX_OUTPUT` characters.
3. **Time**: a deadline of :data:`MAX_SECONDS` per document, checked at every call,
   attribute, operator, filter and output chunk, and, when rendering in the main thread, by
   a ``SIGALRM`` timer as well (which also stops loops that touch none of the above). Long
   C-level operations cannot be interrupted by a signal: that is why layer 1 refuses the
   expensive ones (a huge power) before they start.

Every refusal is a :class:`jinja2.exceptions.SecurityError` with a French message; the
template layer turns it into a :class:`~accordgen.errors.TemplateError` naming the template
and the paragraph.
"""

from __future__ import annotations

import contextlib
import functools
import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_SEQUENCE = 1_000_000  # longest text or list (characters, elements) a template may build
MAX_INT_BITS = 100_000  # largest whole number a template may build (about 30,000 digits)
MAX_OUTPUT = 32_000_000  # characters of one rendered part (document.xml, a header...)
MAX_SECONDS = 10.0  # wall-clock time to render one document (all its parts)
MAX_EXPONENT = 1_000

SecurityError = jinja2.exceptions.SecurityError

# %-format conversions: a width or a precision ("%300000000s", "%.*f")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")


class _Deadline(threading.local):
    at: float | None = None
    seconds: float = MAX_SECONDS


_DEADLINE = _Deadline()


def tick() -> None:
    """Refuse to go on once the render's time is up (called throughout a render)."""
    at = _DEADLINE.at
    if at is not None and time.monotonic() > at:
        _DEADLINE.at = None  # one error, not one per frame on the way out
        raise SecurityError(f"rendu trop long (plus de {_DEADLINE.seconds:g} secondes)")


def _too_long() -> SecurityError:
    return SecurityError(f"texte ou liste trop long (plus de {MAX_SEQUENCE} éléments)")


def _too_big() -> SecurityError:
    return SecurityError(f"nombre trop grand (plus de {MAX_INT_BITS} bits)")


def check_size(value: Any) -> Any:
    """``value``, unless it is a text, list or whole number beyond the limits."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        if len(value) > MAX_SEQUENCE:
            raise _too_long()
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _too_big()
    return value


def _check_ints(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SEQUENCE:
            raise SecurityError(f"nombre trop grand en argument ({arg}, au plus {MAX_SEQUENCE})")


def check_percent_format(fmt: str) -> None:
    """Refuse a %-format whose width or precision is too large or taken from the values."""
    for width, precision in _PERCENT.findall(fmt):
        for n in (width, precision):
            if n == "*" or (n and int(n) > MAX_SEQUENCE):
                raise SecurityError(f"largeur ou précision trop grande dans le format « {fmt[:60]} »")


def check_brace_format(fmt: str) -> None:
    """Refuse a ``str.format`` string with a too large width or precision, or a nested one."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise SecurityError(f"format invalide : {exc}") from None
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec or any(int(n) > MAX_SEQUENCE for n in _DIGITS.findall(spec)):
            raise SecurityError(f"largeur ou précision trop grande dans le format « {fmt[:60]} »")


def _check_join(sep: str, items: list[Any]) -> None:
    total = len(sep) * max(len(items) - 1, 0)
    total += sum(len(i) if isinstance(i, str) else 20 for i in items)
    if total > MAX_SEQUENCE:
        raise _too_long()


def _check_replace(text: Any, args: tuple[Any, ...]) -> None:
    if isinstance(text, str) and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = text.count(args[0]) if args[0] else len(text) + 1
        if len(text) + count * (len(args[1]) - len(args[0])) > MAX_SEQUENCE:
            raise _too_long()


def _checked_filter(name: str, func: Callable[..., Any], env_args: int) -> Callable[..., Any]:
    """A built-in filter with its arguments checked before and its result after."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tick()
        value, rest = (args[env_args], args[env_args + 1:]) if len(args) > env_args else (None, ())
        _check_ints(rest, kwargs)
        if name == "format" and isinstance(value, str):
            check_percent_format(value)
        elif name == "replace":
            _check_replace(value, rest)
        elif name == "join":
            items = list(value) if value is not None else []
            check_size(items)
            sep = rest[0] if rest else kwargs.get("d", "")
            _check_join(sep if isinstance(sep, str) else "", items)
            args = (*args[:env_args], items, *rest)
        return check_size(func(*args, **kwargs))

    return wrapper


def custom_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter registered by a caller or a workspace, held to the sandbox's bounds: the
    deadline, whole-number arguments, the size of its result; any failure becomes a template
    error naming the filter (never a traceback)."""
    env_args = 0 if getattr(func, "jinja_pass_arg", None) is None else 1
    checked = _checked_filter(name, func, env_args)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return checked(*args, **kwargs)
        except (SecurityError, jinja2.UndefinedError):
            raise
        except Exception as exc:  # the caller's code: its error, named, as a template error
            raise jinja2.TemplateRuntimeError(f"le filtre « {name} » a échoué : {exc}") from None

    return wrapper


class _Generator(CodeGenerator):
    """Jinja's code generator, with the size of every ``~`` concatenation checked."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.checked_size(")
        super().visit_Concat(node, frame)
        self.write(")")


class Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with the size and time limits above."""

    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name, func in list(self.filters.items()):
            pass_arg = getattr(func, "jinja_pass_arg", None)
            self.filters[name] = _checked_filter(name, func, 0 if pass_arg is None else 1)

    @staticmethod
    def checked_size(value: Any) -> Any:
        tick()
        return check_size(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        tick()
        ints = all(isinstance(x, int) and not isinstance(x, bool) for x in (left, right))
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exposant trop grand (plus de {MAX_EXPONENT})")
            if ints and right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
                raise _too_big()
        elif operator == "*":
            if ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _too_big()
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_SEQUENCE:
                    raise _too_long()
        elif operator == "%" and isinstance(left, str):
            check_percent_format(left)
        return check_size(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        tick()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            check_brace_format(value.__self__)
        return wrapped

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str | bytes | int | list | tuple | dict) and not isinstance(owner, bool):
            # a method of a built-in value: 'x'.ljust(n), (1).to_bytes(n), s.replace(a, b)...
            _check_ints(args, kwargs)
            name = getattr(__obj, "__name__", "")
            if name == "replace":
                _check_replace(owner, args)
            elif name == "join" and isinstance(owner, str) and args:
                items = list(args[0])
                check_size(items)
                _check_join(owner, items)
                args = (items, *args[1:])
        return check_size(super().call(__context, __obj, *args, **kwargs))


def render_bounded(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render ``template`` within :data:`MAX_OUTPUT` characters and the current deadline."""
    chunks: list[str] = []
    total = 0
    for chunk in template.generate(context):
        tick()
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise SecurityError(f"document rendu trop long (plus de {MAX_OUTPUT} caractères)")
        chunks.append(chunk)
    return "".join(chunks)


def _on_alarm(signum: int, frame: Any) -> None:
    if _DEADLINE.at is not None:
        _DEADLINE.at = None
        raise SecurityError(f"rendu trop long (plus de {_DEADLINE.seconds:g} secondes)")


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Bound the renders inside the block to ``seconds`` (default :data:`MAX_SECONDS`)."""
    seconds = MAX_SECONDS if seconds is None else seconds
    outer, outer_seconds = _DEADLINE.at, _DEADLINE.seconds
    _DEADLINE.at, _DEADLINE.seconds = time.monotonic() + seconds, seconds
    if outer is not None:  # nested: the earliest deadline wins, the outer timer stays
        _DEADLINE.at = min(_DEADLINE.at, outer)
    use_signal = outer is None and threading.current_thread() is threading.main_thread() \
        and hasattr(signal, "setitimer")
    previous: Any = None
    if use_signal:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        before = signal.setitimer(signal.ITIMER_REAL, seconds + 0.2)
    try:
        yield
    finally:
        _DEADLINE.at, _DEADLINE.seconds = outer, outer_seconds
        if use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if before[0]:  # someone else's timer was running: give it its remaining time
                signal.setitimer(signal.ITIMER_REAL, *before)
