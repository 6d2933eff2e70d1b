#!/usr/bin/env bash
# Install hookctl with the oldest allowed dependencies and run the tests against them.
# Usage: scripts/lower_bounds.sh [pytest args]   (uses .venv-lower in the repo)
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv-lower
.venv-lower/bin/pip install -q --upgrade pip
# The dev extra minus getstream: the unified SDK needs pydantic>=2.10.6 and httpx>=0.28.1,
# above hookctl's own lower bounds; the tests that use it skip when it is absent.
DEV=$(python3 -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb"))
print(" ".join(r for r in d["project"]["optional-dependencies"]["dev"]
               if not r.startswith(("hookctl", "getstream"))))')
# shellcheck disable=SC2086
.venv-lower/bin/pip install -q -c constraints/lower-bounds.txt -e '.[sandbox]' $DEV
.venv-lower/bin/pip list 2>/dev/null | grep -iE '^(typer|rich|httpx|pydantic|google-cloud-storage|tomli.w|platformdirs|filelock|aiohttp) '
.venv-lower/bin/python -m pytest -q -m "not slow" "$@"
