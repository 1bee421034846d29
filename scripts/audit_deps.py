"""Dependency audit for `make test`: pip-audit against the packages installed in
the virtualenv (the set the tests ran with).

pip-audit needs its advisory service (PyPI's JSON API, or OSV). Where that
cannot be reached, or it answers for none of the packages (a registry mirror
without the JSON API), the audit is skipped with the reason printed, so an
offline machine can still run the tests. HOTLINE_AUDIT_STRICT=1 turns that
skip into a failure, for a CI that has the network. A known vulnerability
always fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

STRICT = os.environ.get("HOTLINE_AUDIT_STRICT") == "1"


def skip(reason: str) -> None:
    message = f"dependency audit skipped: {reason}"
    if STRICT:
        sys.exit(message + " (HOTLINE_AUDIT_STRICT=1: failing)")
    print(message)
    sys.exit(0)


def main() -> None:
    command = [sys.executable, "-m", "pip_audit", "--local", "--format", "json"]
    command += ["--progress-spinner", "off"]
    try:
        # A fixed command line: nothing in it comes from outside.
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, timeout=180, check=False
        )
    except subprocess.TimeoutExpired:
        skip("pip-audit timed out reaching the advisory database")
    except FileNotFoundError:
        skip("pip-audit is not installed (pip install -e '.[test]')")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        skip(f"the advisory database could not be reached ({last[:200]})")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if vulnerable:
        for dep in vulnerable:
            ids = ", ".join(v["id"] for v in dep["vulns"])
            print(f"VULNERABLE {dep['name']} {dep['version']}: {ids}")
        sys.exit(f"dependency audit: {len(vulnerable)} vulnerable packages")
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no packages listed"
        skip(f"the advisory service answered for none of {len(dependencies)} packages ({reason})")
    print(
        f"dependency audit: {len(audited)} packages, no known vulnerabilities"
        f" ({len(dependencies) - len(audited)} not auditable)"
    )


if __name__ == "__main__":
    main()
