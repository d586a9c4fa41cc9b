"""Repair: re-send overdue events and actions (reconciler), send dead letters again (redrive)."""
