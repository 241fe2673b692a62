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
    "history": "numbered earlier requests (filter: history apps); history show|send N, "
               "history export N curl|httpie|python",
    "logs": "follow the log stream the last answer offers, or an app's: logs my-app --tail",
    "diff": "compare the last answer with the one before of the same URL; diff N: "
            "with history entry N",
    "jq": "filter the last answer with jq: jq '.[] | .name'",
    "doc": "describe a resource or an action: doc app create",
    "example": "the request and response the schema promises: example app info",
    "overview": "the API's own documentation: overview ranges",
    "set": "set defaults: set app=my-app, a session header: set -H 'Name: value'",
    "unset": "forget defaults: unset app (all without a name), unset -H Name",
    "schema": "where the schema in use comes from; 'schema use' switches to today's",
    "again": "send the last request again (a change on the live API asks first)",
    "source": "run the lines of a file: source requests.txt",
    "learn": "lessons on the sandbox: learn | learn NAME | learn stop | learn reset",
    "hint": "a hint for the lesson in progress",
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
    "--if-none-match": "--if-none-match",
    "--body": "--body",
    "--max-pages": "--max-pages",
    "--jq": "--jq",
}
FLAG_OPTIONS: dict[str, str] = {
    "-v": "--verbose",
    "--verbose": "--verbose",
    "--json": "--json",
    "--if-match": "--if-match",
    "--dry-run": "--dry-run",
    "--all": "--all",
    "--check": "--check",
}
