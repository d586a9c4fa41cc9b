"""Knowledge base articles: GET /articles and GET /articles/{id} (Desk.articles.READ).

From the vendor's spec (Article.json): the list takes permission (ALL, REGISTEREDUSERS, AGENTS), authorId,
categoryId, status (Draft, Published, Review, Expired, Unpublished; comma lists), sortBy (createdTime,
modifiedTime, likeCount, viewCount, feedbackCount, dislikeCount, positionArticle; `-` descending),
modifiedTimeRange, from and limit 1..50; every key of articleNewJson is present on an item, and one article adds
the detail keys (answer, tags, attachments, seo, metrics...).

Choices where the spec is silent: the embedded objects (author, owner, category, createdBy, modifiedBy...) are
null: the sandbox keeps ids only (authorId, ownerId, categoryId...); counts are strings; no article answers 204;
an unknown id is 404; lists run by position (the seed's order) unless sorted.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.clock import parse_time
from sandbox.errors import not_found
from sandbox.listing import page, sort_records
from sandbox.params import FROM, Choice, Id, Integer, Sort, TimeRange
from sandbox.records.catalogue import collection
from sandbox.state import Record

SCOPES = ("Desk.articles.READ",)
STATUSES = ("Draft", "Published", "Review", "Expired", "Unpublished")
PERMISSIONS = ("ALL", "REGISTEREDUSERS", "AGENTS")
SORTS = ("createdTime", "modifiedTime", "likeCount", "viewCount", "feedbackCount", "dislikeCount", "positionArticle")
LIST_KEYS = [
    "attachmentCount",
    "author",
    "authorId",
    "availableLocaleTranslations",
    "category",
    "categoryId",
    "commentCount",
    "createdBy",
    "createdTime",
    "creatorId",
    "departmentId",
    "dislikeCount",
    "feedbackCount",
    "id",
    "isLocked",
    "isTemplate",
    "isTrashed",
    "latestPublishedVersion",
    "latestVersion",
    "latestVersionModifiedBy",
    "latestVersionModifierId",
    "latestVersionStatus",
    "likeCount",
    "locale",
    "modifiedBy",
    "modifiedTime",
    "modifierId",
    "owner",
    "ownerId",
    "permalink",
    "permission",
    "portalUrl",
    "position",
    "rootCategoryId",
    "sourceLocale",
    "status",
    "summary",
    "templateLastUpdatedTime",
    "templateUsageCount",
    "templateUsedUsersCount",
    "title",
    "translationId",
    "translationSource",
    "translationState",
    "usageCount",
    "viewCount",
    "webUrl",
]
DETAIL_KEYS = [
    "answer",
    "tags",
    "attachments",
    "seo",
    "metrics",
    "reviewedBy",
    "reviewedTime",
    "currentVersion",
    "expiryDate",
    "isFollowing",
    "myVote",
]
DEFAULTS: dict[str, Any] = {
    "attachmentCount": "0",
    "commentCount": "0",
    "feedbackCount": "0",
    "usageCount": "0",
    "templateUsageCount": "0",
    "templateUsedUsersCount": "0",
    "availableLocaleTranslations": [],
    "tags": [],
    "attachments": [],
    "isLocked": False,
    "isTemplate": False,
    "isTrashed": False,
    "isFollowing": False,
    "translationState": "UP-TO-DATE",
}


def article_item(article: Record, position: int) -> Record:
    values = {
        **DEFAULTS,
        **article,
        "position": str(position),
        "rootCategoryId": article.get("categoryId"),
        "sourceLocale": article.get("locale"),
        "translationId": article["id"],
        "latestVersionStatus": article.get("status"),
        "latestPublishedVersion": article.get("latestVersion") if article.get("status") == "Published" else None,
        "latestVersionModifierId": article.get("modifierId"),
        "portalUrl": article.get("webUrl"),
    }
    return {key: values.get(key) for key in LIST_KEYS}


def article_view(article: Record, position: int) -> Record:
    detail = {**DEFAULTS, **article, "currentVersion": article.get("latestVersion")}
    return {**article_item(article, position), **{key: detail.get(key) for key in DETAIL_KEYS}}


def _positions(call: Call) -> dict[str, int]:
    return {article_id: index + 1 for index, article_id in enumerate(collection(call.org, "articles"))}


def get_article(call: Call) -> Reply:
    article = collection(call.org, "articles").get(call.path["article_id"])
    if article is None:
        raise not_found()
    return ok(article_view(article, _positions(call)[article["id"]]))


def list_articles(call: Call) -> Reply:
    query, positions = call.query, _positions(call)
    items = [article_item(a, positions[a["id"]]) for a in collection(call.org, "articles").values()]
    for key in ("status", "permission"):
        if key in query:
            items = [item for item in items if item[key] in query[key]]
    for key in ("authorId", "categoryId"):
        if key in query:
            items = [item for item in items if item[key] == query[key]]
    if "modifiedTimeRange" in query:
        start, end = query["modifiedTimeRange"]
        items = [item for item in items if start <= parse_time(item["modifiedTime"]) <= end]
    if "sortBy" in query:
        name, descending = query["sortBy"]
        items = sort_records(items, "position" if name == "positionArticle" else name, descending)
    return listing(page(items, query))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/articles",
        list_articles,
        SCOPES,
        params={
            "from": FROM,
            "limit": Integer(minimum=1, maximum=50),
            "status": Choice(STATUSES, many=True),
            "permission": Choice(PERMISSIONS, many=True),
            "authorId": Id(),
            "categoryId": Id(),
            "sortBy": Sort(SORTS),
            "modifiedTimeRange": TimeRange(),
        },
    ),
    Endpoint("GET", "/articles/{article_id:id}", get_article, SCOPES, params={"version": Integer(minimum=1)}),
]
