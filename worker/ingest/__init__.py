"""Desk -> events: the poller, the diff of a ticket against its mirror, SLA timelines, the directory and catalogue."""
