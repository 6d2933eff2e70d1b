#!/usr/bin/env bash
# Install hookctl with the oldest allowed dependencies and run the tests against them.
# Usage: scripts/lower_bounds.sh [pytest args]   (uses .venv-lower in the repo)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-lower
.venv-lower/bin/pip install -q --upgrade pip
.venv-lower/bin/pip install -q -c constraints/lower-bounds.txt -e '.[dev]'
.venv-lower/bin/pip list 2>/dev/null | grep -iE '^(typer|rich|httpx|pydantic|google-cloud-storage|tomli.w|platformdirs|filelock|aiohttp) '
.venv-lower/bin/python -m pytest -q -m "not slow" "$@"
