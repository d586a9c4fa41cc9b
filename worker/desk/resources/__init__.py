"""One module per resource group of the Desk API v1."""

from worker.desk.resources.accounts import AccountsResource
from worker.desk.resources.agents import AgentsResource
from worker.desk.resources.attachments import AttachmentsResource
from worker.desk.resources.comments import CommentsResource
from worker.desk.resources.contacts import ContactsResource
from worker.desk.resources.contracts import ContractsResource
from worker.desk.resources.departments import DepartmentsResource
from worker.desk.resources.fields import FieldsResource
from worker.desk.resources.history import HistoryResource
from worker.desk.resources.layouts import LayoutsResource
from worker.desk.resources.mail_reply_addresses import MailReplyAddressesResource
from worker.desk.resources.organizations import OrganizationsResource
from worker.desk.resources.searches import SearchesResource
from worker.desk.resources.tasks import TasksResource
from worker.desk.resources.teams import TeamsResource
from worker.desk.resources.threads import ThreadsResource
from worker.desk.resources.tickets import TicketsResource
from worker.desk.resources.time_entries import TimeEntriesResource
from worker.desk.resources.uploads import UploadsResource
from worker.desk.resources.webhooks import WebhooksResource

__all__ = [
    "AccountsResource",
    "AgentsResource",
    "AttachmentsResource",
    "CommentsResource",
    "ContactsResource",
    "ContractsResource",
    "DepartmentsResource",
    "FieldsResource",
    "HistoryResource",
    "LayoutsResource",
    "MailReplyAddressesResource",
    "OrganizationsResource",
    "SearchesResource",
    "TasksResource",
    "TeamsResource",
    "ThreadsResource",
    "TicketsResource",
    "TimeEntriesResource",
    "UploadsResource",
    "WebhooksResource",
]
