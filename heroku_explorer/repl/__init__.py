"""The prompt-toolkit REPL and the one-shot ``call``, on the shared engine.

::

    commands.py   the command language: a pure parser to typed commands
    arguments.py  name=value / name:=json values and the options
    session_parse.py  the session commands (next, doc, set...)
    vocab.py      names derived from the spec (aliases, short parameter names)
    words.py      the fixed words (commands, methods, options); no imports
    tokens.py     shell-style words with positions; ParseError
    completer.py  prompt-toolkit completion from the same vocabulary
    lexer.py      a pygments lexer for the command line
    session.py    runs commands against a HerokuClient and remembers state
    render.py     status lines, highlighted JSON, one message per error
    docs.py       doc / example / overview / help text from the model
    history.py    the private, scrubbed command history file
    app.py        run_repl: the interactive loop (or a script on stdin)
    call.py       run_call: one command, then exit

``run_repl`` and ``run_call`` are imported on first use, so ``call`` never loads
prompt-toolkit's application machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heroku_explorer.repl.app import run_repl
    from heroku_explorer.repl.call import run_call

__all__ = ["run_call", "run_repl"]


def __getattr__(name: str) -> Any:
    if name == "run_repl":
        from heroku_explorer.repl.app import run_repl

        return run_repl
    if name == "run_call":
        from heroku_explorer.repl.call import run_call

        return run_call
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
