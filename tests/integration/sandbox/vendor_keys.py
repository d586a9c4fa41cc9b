"""The keys the sandbox's records show beyond the seed's field sets: those the vendor's spec lists as always
present (sandbox/records/vendor_fields.py). Tests that hold a record to the seed's keys add these."""

from __future__ import annotations

from typing import Any

TICKET_VENDOR_KEYS = {
    "accountId",
    "cf",
    "channelCode",
    "channelRelatedInfo",
    "createdBy",
    "modifiedBy",
    "entitySkills",
    "followerCount",
    "isArchived",
    "isEscalated",
    "isFollowing",
    "isOverDue",
    "isResponseOverdue",
    "isSpam",
    "isTrashed",
    "language",
    "layoutDetails",
    "layoutId",
    "onholdTime",
    "responseDueDate",
    "secondaryContacts",
    "sentiment",
    "sharedDepartments",
    "slaId",
    "source",
    "tagCount",
    "teamId",
}
# One ticket's keys (getTicketResponse) that a write's answer leaves out: ticketResponse does not declare them.
TICKET_READ_ONLY_KEYS = {"createdBy", "followerCount", "isFollowing", "sentiment", "tagCount"}
TICKET_WRITE_VENDOR_KEYS = TICKET_VENDOR_KEYS - TICKET_READ_ONLY_KEYS
THREAD_VENDOR_KEYS = {
    "aspects",
    "attachmentCount",
    "canReply",
    "channelRelatedInfo",
    "contentType",
    "impersonatedUser",
    "isDescriptionThread",
    "keyWords",
    "lastRatingIconURL",
    "readReceipts",
    "respondedIn",
    "sentiment",
    "source",
}
# One thread's keys (latestThreadResponse) that a reply's or a draft's answer leaves out: the reply schemas do not
# declare them.
THREAD_READ_ONLY_KEYS = {"aspects", "keyWords", "sentiment"}
EMAIL_THREAD_VENDOR_KEYS = {"attachmentIds", "fullContentURL", "isContentTruncated", "replyTo"}
AUTHOR_VENDOR_KEYS = {"id", "firstName", "lastName"}
CONTACT_VENDOR_KEYS = {
    "accountCount",
    "cf",
    "isAnonymous",
    "isEndUser",
    "isFollowing",
    "isSpam",
    "isTrashed",
    "layoutDetails",
    "layoutId",
    "webUrl",
}
ACCOUNT_VENDOR_KEYS = {
    "cf",
    "isDeleted",
    "isFollowing",
    "isTrashed",
    "layoutDetails",
    "layoutId",
    "webUrl",
    "zohoCRMAccount",
}
AGENT_VENDOR_KEYS = {"name", "aboutInfo", "channelExpert", "rolePermissionType", "timeZone"}
DEPARTMENT_VENDOR_KEYS = {"chatStatus", "createdTime", "isAssignToTeamEnabled", "isDefault", "sanitizedName"}
TASK_VENDOR_KEYS = {
    "activityTime",
    "cf",
    "contactId",
    "isSpam",
    "isTrashed",
    "layoutId",
    "modifiedBy",
    "reminder",
    "statusType",
    "webUrl",
}
# Lists and searches: the keys their vendor item schemas require beyond the seed's examples' field sets.
TICKET_LIST_VENDOR_KEYS = {
    *("accountId", "channelCode", "isArchived", "isSpam", "language", "layoutId", "onholdTime"),
    *("responseDueDate", "sentiment", "source", "teamId", "category", "subCategory", "relationshipType"),
    "lastThread",
}
CONTACT_TICKET_VENDOR_KEYS = TICKET_LIST_VENDOR_KEYS - {"category", "subCategory", "layoutId"}
CONTACT_LIST_VENDOR_KEYS = {"mobile", "createdTime", "accountCount", "isAnonymous", "isEndUser", "isSpam", "webUrl"}
ACCOUNT_LIST_VENDOR_KEYS = {"createdTime", "customerHappiness", "webUrl", "zohoCRMAccount"}
CONTRACT_LIST_VENDOR_KEYS = {"contractStatus"}
TICKET_SEARCH_VENDOR_KEYS = {
    *("cf", "createdBy", "entitySkills", "isArchived", "isEscalated", "isSpam", "language", "layoutId"),
    *("onholdTime", "secondaryContacts", "sharedDepartments", "slaId", "teamId", "statusType", "webUrl"),
    *("childTicketCount", "isRead", "product", "team"),
}
CONTACT_SEARCH_VENDOR_KEYS = {"cf", "customerHappiness", "isEndUser", "layoutId", "owner", "webUrl", "zohoCRMContact"}
ACCOUNT_SEARCH_VENDOR_KEYS = {"cf", "layoutId", "owner", "webUrl"}
TASK_SEARCH_VENDOR_KEYS = {
    *("activityType", "cf", "contact", "contactId", "layoutId", "modifiedBy", "reminder", "statusType", "webUrl"),
}


def less(record: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """The record without `keys`: a read to compare with a write's answer, which leaves them out."""
    return {key: value for key, value in record.items() if key not in keys}
