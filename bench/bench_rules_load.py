"""How long checking a large rule set takes, and how much memory it needs (issue 9: under 2 s and 150 MB for 1 MB).

    .venv/bin/python bench/bench_rules_load.py [--mb 1.0] [--files 4] [--profile]

Generates about `--mb` megabytes of realistic rules (event and schedule rules, varied conditions and actions, a
calendar, like rules/*.yaml) into a temporary folder, then checks them with the real loader (`check_rules`) in a
fresh child process, so the figures are one cold load: wall time and the peak resident set size (ru_maxrss) of
that process, before and after loading, and its CPU time (wall time on a busy machine is longer). Prints a short
report and one JSON line. `--profile` prints the top of a cProfile run instead.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_S, GOAL_MB = 2.0, 150.0
HEADER = """calendars:
  support:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
"""
DEPARTMENTS = ("Support", "Billing", "Tier 2", "Sales", "Returns")
WORDS = ("invoice", "refund", "outage", "password", "login", "shipping", "warranty", "cancel", "upgrade", "api")


def rule_text(index: int) -> str:
    """One rule; the shape varies with the index so every part of the schema and compiler is exercised."""
    word, department = WORDS[index % len(WORDS)], DEPARTMENTS[index % len(DEPARTMENTS)]
    kind = index % 4
    head = f"  - id: rule-{index:05d}\n    name: Rule {index} routes {word} tickets to {department}\n"
    if kind == 0:
        return (
            head
            + f"""    on: ticket.created
    if:
      all:
        - {{field: subject, matches: "\\\\b({word}|{word}s)\\\\b", ignore_case: true}}
        - {{field: department.name, not_equals: {department}}}
    then:
      - move: {{department: {department}}}
      - update: {{category: {word}}}
"""
        )
    if kind == 1:
        return (
            head
            + f"""    on: [ticket.created, ticket.updated]
    if:
      any:
        - {{field: priority, in: [High, Urgent]}}
        - {{field: email, ends_with: "@{word}.example", ignore_case: true}}
    then:
      - comment:
          public: false
          text: "Ticket #{{{{ ticket.ticketNumber }}}} about {word}: {{{{ ticket.subject }}}}"
"""
        )
    if kind == 2:
        return (
            head
            + f"""    on: {{schedule: {{cron: "{index % 60} * * * *", timezone: Europe/Berlin}}}}
    if:
      all:
        - {{field: status, equals: On Hold}}
        - {{field: modifiedTime, older_than: {index % 20 + 1}h, calendar: support}}
    once: {{per_anchor: modifiedTime}}
    then:
      - task:
          subject: "Follow up #{{{{ ticket.ticketNumber }}}}"
          due_in: 2h
          calendar: support
"""
        )
    return (
        head
        + f"""    on: ticket.updated
    if:
      all:
        - {{field: status, changed_to: Open}}
        - {{field: assigneeId, exists: false}}
        - not: {{field: subject, contains: {word}}}
    then:
      - assign: {{strategy: round_robin, department: {department}}}
"""
    )


def generate(folder: Path, megabytes: float, files: int) -> tuple[int, int]:
    """Write the rule files; (rules, bytes) written."""
    budget, written, index = int(megabytes * 1_000_000), 0, 0
    per_file = budget // files
    for number in range(files):
        parts = [HEADER if number == 0 else "", "rules:\n"]
        size = sum(map(len, parts))
        while size < per_file:
            parts.append(rule_text(index))
            size += len(parts[-1])
            index += 1
        (folder / f"rules_{number}.yaml").write_text("".join(parts), encoding="utf-8")
        written += size
    return index, written


def child(folder: str) -> None:
    """Runs in the child process: one cold check, figures as JSON on stdout."""
    from worker.engine.loader import check_rules

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    rules, problems = check_rules(folder)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors = [str(problem) for problem in problems if problem.is_error][:3]
    print(
        json.dumps(
            {
                "seconds": round(elapsed, 3),
                "cpu_seconds": round(cpu, 3),
                "peak_mb": round(peak, 1),
                "import_mb": round(before, 1),
                "rules": len(rules.rules) if rules else 0,
                "errors": errors,
            }
        )
    )


def profile(folder: str) -> None:
    import cProfile
    import pstats

    from worker.engine.loader import check_rules

    profiler = cProfile.Profile()
    profiler.runcall(check_rules, folder)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of rules to generate")
    parser.add_argument("--files", type=int, default=4, help="how many files to spread them over")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the load instead")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="deskpilot-bench-rules-") as folder:
        count, size = generate(Path(folder), args.mb, args.files)
        if args.profile:
            profile(folder)
            return 0
        output = subprocess.run(
            [sys.executable, __file__, "--child", folder], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures.update(
        generated_rules=count,
        bytes=size,
        files=args.files,
        ok=figures["seconds"] < GOAL_S and figures["peak_mb"] < GOAL_MB,
    )
    print(
        f"{count} rules, {size / 1e6:.2f} MB in {args.files} files: checked in {figures['seconds']:.2f} s "
        f"({figures['cpu_seconds']:.2f} s of CPU: more wall time means a busy machine), "
        f"peak RSS {figures['peak_mb']:.0f} MB (after imports {figures['import_mb']:.0f} MB); "
        f"goal < {GOAL_S:.0f} s and < {GOAL_MB:.0f} MB: {'met' if figures['ok'] else 'NOT met'}"
    )
    if figures["errors"]:
        print("errors:", *figures["errors"], sep="\n  ")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
