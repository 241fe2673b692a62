"""Clients nobody here wrote (heroku3, the Heroku CLI, curl), driven against a fresh
loopback sandbox on today's schema and on the bundled one."""
