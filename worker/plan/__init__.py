"""Events and ticks -> planned actions in the ledger: on-event evaluation, the recorder, time-rule and SLA sweeps."""
