"""The searches a lesson's check makes over the exchanges, written once.

A check looks for one exchange that shows the goal (:func:`first`), or for two
that show it together: a request and a later one that follows from it
(:func:`then`), or a request and an earlier one it answers (:func:`answering`).
Each search takes tests on :class:`~heroku_explorer.lessons.model.Seen` and
returns what it found, oldest first, or ``None``; the order in which the
candidates are tried decides which exchanges an explanation names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from heroku_explorer.lessons.model import Seen

__all__ = ["Pair", "Partner", "Test", "answering", "first", "then"]

#: Whether one exchange shows what a lesson looks for.
Test = Callable[[Seen], bool]
#: Whether a second exchange goes with the one already found (that one first).
Partner = Callable[[Seen, Seen], bool]
#: Two exchanges, the one made first first.
Pair = tuple[Seen, Seen]


def first(xs: Sequence[Seen], test: Test) -> Seen | None:
    """The first exchange that passes ``test``, or ``None``."""
    return next((x for x in xs if test(x)), None)


def then(xs: Sequence[Seen], cause: Test, effect: Partner) -> Pair | None:
    """The first exchange passing ``cause`` with the first later one that is its
    ``effect(cause, later)``; an exchange with no such later one is passed over."""
    return _pair(xs, cause, effect, forward=True)


def answering(xs: Sequence[Seen], reply: Test, asked: Partner) -> Pair | None:
    """The first exchange passing ``reply`` with the first earlier one it answers,
    ``asked(earlier, reply)``; returned earlier first."""
    return _pair(xs, reply, lambda x, earlier: asked(earlier, x), forward=False)


def _pair(xs: Sequence[Seen], test: Test, partner: Partner, *, forward: bool) -> Pair | None:
    """Each exchange passing ``test`` in turn, with the first of those after it
    (``forward``) or before it that is its ``partner``."""
    for i, x in enumerate(xs):
        if not test(x):
            continue
        others = xs[i + 1:] if forward else xs[:i]
        other = next((y for y in others if partner(x, y)), None)
        if other is not None:
            return (x, other) if forward else (other, x)
    return None
