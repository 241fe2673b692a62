"""heroku-explorer: a terminal explorer for the Heroku Platform API v3."""

__version__ = "0.1.0"
