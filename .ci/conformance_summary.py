"""Summarises a schemathesis NDJSON report: cases, operations and failures by check.

Used by .ci/conformance.sh; run by hand as `python3 .ci/conformance_summary.py REPORT.ndjson`.
"""

import collections
import json
import re
import sys


def operation_of(case, recorder):
    """`METHOD /path` of a case (a stateful scenario's recorder is labelled for the scenario)."""
    value = case.get("value", {})
    if "method" in value and "path" in value:
        return f"{value['method']} {value['path']}"
    return recorder["label"]


def summarise(path):
    cases_by_phase = collections.Counter()
    seen_cases = set()
    operations = set()
    requests = 0
    failing_cases = collections.Counter()  # check -> cases that failed it
    failing_operations = collections.defaultdict(set)  # check -> operations
    with open(path, encoding="utf-8") as report:
        for line in report:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished["recorder"]
            phase = finished.get("phase") or "?"
            cases = recorder.get("cases", {})
            # Scenario labels are `METHOD /path` except for the stateful phase's.
            if re.match(r"[A-Z]+ /", recorder["label"]):
                operations.add(recorder["label"])
            for case_id, case in cases.items():
                if case_id not in seen_cases:
                    seen_cases.add(case_id)
                    cases_by_phase[phase] += 1
            requests += len(recorder.get("interactions", {}))
            for case_id, checks in recorder.get("checks", {}).items():
                operation = operation_of(cases.get(case_id, {}), recorder)
                for check in checks:
                    if check.get("status") == "failure":
                        failing_cases[check["name"]] += 1
                        failing_operations[check["name"]].add(operation)
    print(f"operations tested: {len(operations)}")
    print(f"cases: {len(seen_cases)} ({', '.join(f'{p} {n}' for p, n in sorted(cases_by_phase.items()))})")
    print(f"requests sent: {requests}")
    if not failing_cases:
        print("failures: none")
        return
    print("failures by check (operations that failed it, failed results):")
    for name, count in failing_cases.most_common():
        print(f"  {name}: {len(failing_operations[name])} operations, {count} results")
        for label in sorted(failing_operations[name]):
            print(f"      {label}")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        summarise(argument)
