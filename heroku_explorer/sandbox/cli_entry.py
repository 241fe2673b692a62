"""``heroku-explorer sandbox``: serve the sandbox on loopback.

``python -m heroku_explorer.sandbox.cli_entry`` runs the same thing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from heroku_explorer.errors import SchemaError
from heroku_explorer.safe_text import visible
from heroku_explorer.sandbox.app import SANDBOX_TOKEN

__all__ = ["build_parser", "main"]


def build_parser(prog: str = "heroku-explorer sandbox") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve a stateful emulator of the Heroku Platform API, built from a "
        "schema, on loopback. Point any Heroku API client at the URL it prints.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on "
                        "(default: %(default)s; any other than loopback lets anyone on "
                        "the network use the sandbox)")
    parser.add_argument("--port", type=int, default=0,
                        help="port to listen on (default: a free one)")
    parser.add_argument("--schema", type=Path, metavar="FILE",
                        help="schema to build the API from (default: the bundled one)")
    parser.add_argument("--state", type=Path, metavar="FILE",
                        help="keep state in this SQLite file (default: in memory)")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed for the generated data (default: %(default)s)")
    parser.add_argument("--token", default=SANDBOX_TOKEN, metavar="T",
                        help="the API token to accept (default: %(default)s)")
    parser.add_argument("--rate-limit", type=int, default=1200, metavar="N",
                        help="request tokens per hour (default: %(default)s)")
    return parser


def main(argv: list[str]) -> int:
    """Parse ``argv`` (without the program name), serve, and return an exit status."""
    args = build_parser().parse_args(argv)
    from heroku_explorer.schema import load_bundled, load_schema

    schema_bytes: bytes | None = None
    try:
        if args.schema is not None:
            try:
                schema_bytes = args.schema.read_bytes()
            except OSError as exc:
                raise SchemaError(str(args.schema), None, exc.strerror or str(exc)) from None
            spec = load_schema(schema_bytes, origin=str(args.schema))
        else:
            spec = load_bundled()
    except SchemaError as exc:
        print(f"heroku-explorer sandbox: {visible(str(exc))}", file=sys.stderr)
        return 2
    if args.rate_limit < 1:
        print("heroku-explorer sandbox: --rate-limit must be at least 1", file=sys.stderr)
        return 2
    from heroku_explorer.sandbox.server import serve

    try:
        serve(spec, args.host, args.port, token=args.token, seed=args.seed,
              state_path=args.state, rate_limit=args.rate_limit, schema_bytes=schema_bytes)
    except OSError as exc:
        where = visible(f"{args.host}:{args.port}", single_line=True)
        print(f"heroku-explorer sandbox: cannot listen on {where}: "
              f"{visible(exc.strerror or str(exc), single_line=True)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
