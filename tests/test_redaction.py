"""The one rule for names that carry secrets."""

from __future__ import annotations

import pytest

from heroku_explorer.redaction import is_config_var_path, is_secret_header, is_secret_name


@pytest.mark.parametrize("name", [
    "password", "new_password", "current_password", "access_token", "refresh_token", "api_key",
    "apiKey", "client_secret", "X-Api-Key", "Authorization", "Cookie", "token", "secret",
    "Heroku-Two-Factor-Code", "otp", "private_key",
])
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", [
    "key", "name", "email", "token_type", "session_id", "id", "public_key", "fingerprint",
    "Request-Id", "ETag", "Content-Type", "stack", "description", "keys", "expires_in",
])
def test_plain_names(name: str) -> None:
    assert not is_secret_name(name)


def test_headers() -> None:
    assert is_secret_header("set-cookie")
    assert is_secret_header("Proxy-Authorization")
    assert not is_secret_header("RateLimit-Remaining")


def test_config_var_paths() -> None:
    assert is_config_var_path("/apps/demo/config-vars")
    assert is_config_var_path("https://api.heroku.com/apps/x/config-vars?x=1")
    assert is_config_var_path("/pipelines/p/stage/production/config-vars")
    assert not is_config_var_path("/apps/demo/releases")
