"""The mutation job (.ci/run, after the slow tests): mutmut over the pure modules that
pyproject's [tool.mutmut] names, then each module's kill ratio against its floor in
.ci/mutation-floors.toml. A floor is the ratio measured when it was set, rounded down;
it only rises: raise it when tests improve, never lower it to make CI pass.

Kill ratio = (killed + timed out) / every mutant mutmut made for the module, so a
mutant no test reaches ("no tests") counts against it.

Usage: .venv/bin/python scripts/mutation.py [--no-run]   (--no-run: score mutants/ as is)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / ".ci" / "mutation-floors.toml"
KILLED = {"killed", "timeout", "caught by type check"}


def ratios() -> dict[str, tuple[int, int]]:
    from mutmut.stats import status_by_exit_code

    found: dict[str, tuple[int, int]] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        statuses = [status_by_exit_code.get(code, "not checked") for code in codes.values()]
        scored = [s for s in statuses if s not in ("skipped", "not checked")]
        found[module] = (sum(s in KILLED for s in scored), len(scored))
    return found


def main(argv: list[str]) -> int:
    floors: dict[str, float] = tomllib.loads(FLOORS.read_text())["floors"]
    mutated = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    if set(mutated["only_mutate"]) != set(floors):
        print(
            f"mutation: pyproject mutates {sorted(mutated['only_mutate'])} but the floors "
            f"name {sorted(floors)}",
            file=sys.stderr,
        )
        return 1
    if "--no-run" not in argv:
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", "2"],
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    measured = ratios()
    failed = False
    for module, floor in sorted(floors.items()):
        killed, total = measured.get(module, (0, 0))
        ratio = killed / total if total else 0.0
        ok = total > 0 and ratio >= floor
        failed |= not ok
        print(
            f"mutation: {module}: {killed}/{total} killed = {ratio:.2f} "
            f"(floor {floor:.2f}) {'ok' if ok else 'BELOW THE FLOOR'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
