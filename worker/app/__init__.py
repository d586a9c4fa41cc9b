"""The composition root: settings, Redis, the broker, the actors, the scheduler and the service; the only reader of
Settings."""
