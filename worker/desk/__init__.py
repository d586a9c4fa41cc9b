"""The Desk API client: shared OAuth, one shared rate budget, retries, paging and typed errors.

Public surface: DeskClient (client.py), the errors (errors.py), the models (models/) and Priority (budget.py).
"""

from worker.desk.budget import Priority
from worker.desk.client import DeskClient

__all__ = ["DeskClient", "Priority"]
