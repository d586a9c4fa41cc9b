"""Record builders: complete records in the Desk's exact JSON shapes, and what the Desk derives from them.

tickets    new_ticket, new_thread, new_comment, new_time_entry, new_task; apply_thread_to_ticket,
           compute_total_cost, set_task_status, thread_actions, mention
directory  new_contact, new_account, new_agent, new_department, new_contract, new_mail_reply_address,
           new_organization_profile
files      new_attachment, new_upload

Imported from their modules (not re-exported): history (a ticket's History), custom_fields (the layouts' custom
fields and values by type), vendor_fields (the vendor's always-present fields, added when shown), durations (the
dashboards' spans), catalogue (roles, profiles, products, articles, calls, events, help centre users).
"""

from sandbox.records.common import (
    API_ROOT,
    agent_author,
    contact_author,
    file_ref,
    full_name,
    summarize,
)
from sandbox.records.directory import (
    new_account,
    new_agent,
    new_contact,
    new_contract,
    new_department,
    new_mail_reply_address,
    new_organization_profile,
)
from sandbox.records.files import new_attachment, new_upload
from sandbox.records.tickets import (
    THREAD_CHANNELS,
    TICKET_CUSTOM_FIELDS,
    apply_thread_to_ticket,
    compute_total_cost,
    mention,
    mentioned_zuids,
    new_comment,
    new_task,
    new_thread,
    new_ticket,
    new_time_entry,
    set_task_status,
    thread_actions,
)

__all__ = [
    "API_ROOT",
    "THREAD_CHANNELS",
    "TICKET_CUSTOM_FIELDS",
    "agent_author",
    "apply_thread_to_ticket",
    "compute_total_cost",
    "contact_author",
    "file_ref",
    "full_name",
    "mention",
    "mentioned_zuids",
    "new_account",
    "new_agent",
    "new_attachment",
    "new_comment",
    "new_contact",
    "new_contract",
    "new_department",
    "new_mail_reply_address",
    "new_organization_profile",
    "new_task",
    "new_thread",
    "new_ticket",
    "new_time_entry",
    "new_upload",
    "set_task_status",
    "summarize",
    "thread_actions",
]
