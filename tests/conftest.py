"""Shared fixtures: where the read-only reference data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REFERENCE_DIR = SHARED / "reference"
SEEDS_DIR = SHARED / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (../shared beside the checkout)")
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    seeds = sorted(SEEDS_DIR.glob("000_*.txt")) if SEEDS_DIR.exists() else []
    if not seeds:
        pytest.skip(f"the seed manifest is not in {SEEDS_DIR}")
    return seeds[0]


@pytest.fixture(scope="session")
def ref_2013_path() -> Path:
    return _need(REFERENCE_DIR / "heroku-v3-2013-resources.json")


@pytest.fixture(scope="session")
def ref_hyper_path() -> Path:
    return _need(REFERENCE_DIR / "heroku-platform-api-schema.json")


@pytest.fixture(scope="session")
def ref_sdk_path() -> Path:
    return _need(REFERENCE_DIR / "heroku-platform-api-schema-3.sdk.json")
