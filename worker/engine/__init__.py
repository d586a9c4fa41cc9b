"""The rule language: schema, loading, conditions, calendars, templates, evaluation. Pure: no I/O.

Public API (import from the modules; this package imports nothing, so `calendars` stays light):

    loader.load_rules(path) -> RuleSet            raises errors.RuleLoadError(problems)
    loader.check_rules(path) -> (RuleSet | None, [Problem])
    evaluate.evaluate(rules, event, ticket, previous, directory, now, *, history=None, only=None) -> Evaluation
    evaluate.Event(kind, ticket_id, changes, by_deskpilot, id); evaluate.History (protocol), MemoryHistory
    planned.PlannedAction.as_dict() / .action_id(event_id)
    ruletests.run_rule_tests(path) -> RuleTestReport; explain.explain_text(rules, evaluation)
    schema.json_schema()
    sla: Timeline, clocks_for, due_levels, next_level, forecast, explain (SLA policies; see sla/__init__.py)

Where a decision is made, by file: schema*.py (what a rule may say), validation.py + yamlsource.py (where a
problem is), lint.py (what is refused or warned at load), conditions.py + operators.py + values.py (whether a
rule matches), planner.py + directory.py + templates.py (what it will do), evaluate.py (which rules fire),
schema_sla.py + sla/ (SLA policies: which governs a ticket, its clocks, which escalation levels are due).
"""
