"""``heroku-explorer web``: the explorer in a browser tab, on loopback, behind a secret.

:mod:`launch` holds the rules (no web library needed); :mod:`server` the server
(the ``web`` extra); :mod:`command` ties them to the command line.
"""
