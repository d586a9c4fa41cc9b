"""The keys the sandbox's records show beyond the seed's field sets: those the vendor's spec lists as always
present (sandbox/records/vendor_fields.py). Tests that hold a record to the seed's keys add these."""

from __future__ import annotations

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
