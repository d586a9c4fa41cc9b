"""The operations console: a read-mostly web page served by the scheduler (overview, rules, a ticket's timeline,
the SLA board, dead letters, the live feed). `server.start_console` serves it; nothing happens at import."""
