"""One line from a /readyz answer on stdin, for `make status`: "ready", or what is not, and a consumer's progress."""

import json
import sys

try:
    verdict = json.load(sys.stdin)
except ValueError:
    print("no answer")
    sys.exit(1)
wrong = [f"{name} {state}" for name, state in verdict.get("checks", {}).items() if state != "ok"]
progress = verdict.get("progress")
held = f" (holds {progress['held']}, oldest due {progress['oldest_held_age_s']:.0f}s ago)" if progress else ""
print(("ready" if verdict.get("ready") else "NOT READY: " + ", ".join(wrong)) + held)
sys.exit(0 if verdict.get("ready") else 1)
