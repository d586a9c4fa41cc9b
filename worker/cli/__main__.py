"""`python -m worker.cli ...`: the `deskpilot` command."""

import sys

from worker.cli.main import main

sys.exit(main())
