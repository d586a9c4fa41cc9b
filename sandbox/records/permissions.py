"""A profile's `permissions`, as the vendor's commonPermissionJson (Profile.json) requires them: one object per
group, each key a boolean. The groups and keys are the schema's; the values are the sandbox's, by profile type:
an Administrator may do everything; a Light agent may only view (and see the mobile apps); any other profile may do
everything but the set-up and the agents' management (adding, editing, removing agents)."""

from __future__ import annotations

VIEWS: tuple[str, ...] = ("manageOwnCustomViews", "shareOwnCustomViews", "editSharedCustomViews")
VIEWS += ("deleteSharedCustomViews", "reshareSharedCustomViews")
RECORDS = ("view", "import", "edit", "create", "delete", "export", *VIEWS)  # contactsPermissionJson and its kind
CRUD = ("view", "edit", "create", "delete")
CRM = ("Info", "Notes", "Potentials", "ActivityTasks", "ActivityCalls", "ActivityEvents")
TICKETS = (
    *RECORDS,
    *("mergeTickets", "changeOwner", "handleUnassigned", "closeTicket", "deleteTags", "editTags", "revokeBlueprint"),
    *("mailReview", "mailSend", "addFollowers", "unassignedChangeOwner", "shareTickets"),
)
SETUP = (
    *("automation", "buttons", "chat", "community", "customerHappiness", "department", "email", "exportPortalUsers"),
    *("exportUsers", "featureConfig", "fetchAcrossDepartment", "gamification", "globalReports", "googleAnalytics"),
    *("im", "importHistory", "layouts", "localization", "manageAgents", "manageMarketplace", "managerDashboard"),
    *("massComment", "massReply", "moveRecords", "permission", "pinnedConversations", "portal", "portalUsers"),
    *("privacySettings", "rebranding", "recycleBin", "sandbox", "securitySettings", "shareSnippet", "signUpApproval"),
    *("social", "tabsAndFields", "teams", "telephony", "templates", "timeTracking", "webForm", "webhooks"),
)
RADAR = (
    *("activities", "agentStats", "apiUsageAlerts", "auditLog", "averageHandlingTime", "channelTraffic", "contacts"),
    *("currentStats", "customerHappiness", "dailyToast", "dailyTrend", "dashboards", "exceptionHandling", "fcr"),
    *("feeds", "im", "kb", "liveTraffic", "manageRadar", "mostThreadedTickets", "quickView"),
    *("textContentProtection", "visualContentProtection"),
)
FINANCE = (
    *("createContact", "createEstimate", "createInvoice", "createSalesOrder", "sendEstimate", "sendInvoice"),
    *("sendSalesOrder", "viewEstimate", "viewInvoice", "viewSalesOrder", "viewSubscription"),
)
CLIENT_ACTION = tuple(key for key in RECORDS if key != "import")
GROUPS: dict[str, tuple[str, ...]] = {
    "crmInteg": tuple(f"crm{module}{kind}" for module in ("Accounts", "Contacts") for kind in CRM),
    "reports": ("view", "edit", "create", "delete", "export"),
    "tickets": TICKETS,
    "mobileapp": ("radar", "deskapp"),
    **{name: RECORDS for name in ("contracts", "products", "tasks", "events", "calls", "accounts", "contacts")},
    **{name: CRUD for name in ("zia", "timeEntry", "gc", "im")},
    "comments": ("edit", "delete"),
    "social": ("view", "twitterPostDelete", "twitterPostCreate", "twitterConversationReply"),
    "community": ("view", "edit", "create", "delete", "moderate"),
    "agents": ("overview", "import", "edit", "create", "delete", "viewAllFields"),
    "CommunityTopic": ("view",),
    "CommunityComment": ("view",),
    "radar": RADAR,
    "kbCategory": ("view", "editAllArticles", "import", "manageKB", "edit", "admin", "create", "delete", "export"),
    "setup": SETUP,
    "financeInteg": FINANCE,
    "activities": VIEWS,
    "chat": ("view",),
    "ticketLifeCycleData": CLIENT_ACTION,
    **{name: CLIENT_ACTION for name in ("clientEvents", "componentMapping", "eventMapping", "clientAction")},
    **{name: CLIENT_ACTION for name in ("componentEventMappingAssociation", "clientActionConditions")},
    **{name: CLIENT_ACTION for name in ("clientActionModuleAssociation", "clientActionLocationAssociation")},
}
MANAGING_AGENTS = frozenset({"import", "edit", "create", "delete"})


def _allowed(profile_type: str, group: str, key: str) -> bool:
    if profile_type == "Administrator":
        return True
    if profile_type == "Light":
        return key in {"view", "overview", "radar", "deskapp"}
    return group != "setup" and not (group == "agents" and key in MANAGING_AGENTS)


def permissions(profile_type: str) -> dict[str, dict[str, bool]]:
    """Every group and key of the vendor's schema, each allowed or not for a profile of this type."""
    return {group: {key: _allowed(profile_type, group, key) for key in keys} for group, keys in GROUPS.items()}
