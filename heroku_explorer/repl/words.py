"""The fixed words of the command language, in a module with no imports, so the
lexer (needed for the first prompt) can read them without loading the parser."""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS", "FLAG_OPTIONS", "HTTP_METHODS", "SESSION_COMMANDS",
           "VALUE_OPTIONS"]

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
EXPORT_FORMATS = ("curl", "httpie", "python")

#: Session commands and their one-line help (one vocabulary for lexer, completer, help).
SESSION_COMMANDS: dict[str, str] = {
    "next": "fetch the next page of the last list (Next-Range)",
    "revalidate": "repeat the last GET with If-None-Match (304 when unchanged)",
    "headers": "show the headers of the last response",
    "body": "show the body of the last response",
    "status": "show the status line of the last response",
    "curl": "print the last request as a curl command (token hidden)",
    "httpie": "print the last request as an HTTPie command (token hidden)",
    "python": "print the last request as Python code (token hidden)",
    "history": "list earlier requests, numbered, optionally filtered: history apps",
    "diff": "compare the last answer with the one before of the same URL; diff N: "
            "with history entry N",
    "jq": "filter the last answer with jq: jq '.[] | .name'",
    "doc": "describe a resource or an action: doc app create",
    "example": "the request and response the schema promises: example app info",
    "overview": "the API's own documentation: overview ranges",
    "set": "set defaults for path parameters: set app=my-app",
    "unset": "forget defaults: unset app (all without a name)",
    "schema": "where the schema in use comes from; 'schema use' switches to today's",
    "help": "this list, or help for one command",
    "exit": "leave the REPL (Ctrl-D too)",
    "quit": "leave the REPL",
}

#: Options that take a value, and the flags (spelling -> canonical name).
VALUE_OPTIONS: dict[str, str] = {
    "-H": "--header",
    "--header": "--header",
    "-r": "--range",
    "--range": "--range",
    "--jq": "--jq",
}
FLAG_OPTIONS: dict[str, str] = {
    "-v": "--verbose",
    "--verbose": "--verbose",
    "--json": "--json",
    "--if-match": "--if-match",
    "--check": "--check",
}
