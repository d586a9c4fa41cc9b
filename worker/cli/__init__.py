"""Entry points: the `deskpilot` command and its sub-commands (nothing in worker/ imports this package)."""
