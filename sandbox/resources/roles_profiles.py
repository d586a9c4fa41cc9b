"""Roles and profiles: GET /roles, /roles/{id}, /profiles, /profiles/{id} (Desk.basic.READ, Desk.settings.READ or
Desk.permissions.READ).

From the vendor's spec (Role.json, Profile.json): a role has id, name, description, shareDataWithPeers,
reportsTo, isDefault, isVisible and immediateSubRoles; the role list filters by isDefault, isVisible and
searchStr, paged by from and limit 0..500. A profile list takes default, visible, searchStr, from, limit 1..250
(default 250) and `fields`, the optional keys to add (type, isVisible, default, modifiedBy, modifiedTime,
description; permissions is not kept by the sandbox).

Choices: the roles and profiles are the ones the seeded agents hold (records/catalogue.py); a profile always shows
id and name, one profile shows every key it has; searchStr is the agents' (`abc*`, `*abc*`, exact) on name and
description; unknown ids are 404; empty lists answer 204.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page
from sandbox.params import FROM, Choice, Flag, Integer
from sandbox.records.catalogue import collection
from sandbox.resources.agents import SearchText, text_search
from sandbox.state import Record, public

SCOPES = ("Desk.basic.READ", "Desk.settings.READ", "Desk.permissions.READ")
PROFILE_FIELDS = ("type", "isVisible", "default", "modifiedBy", "modifiedTime", "description")


def _one(call: Call, kind: str, param: str) -> Record:
    record = collection(call.org, kind).get(call.path[param])
    if record is None:
        raise not_found()
    return record


def _searched(records: list[Record], query: dict[str, Any]) -> list[Record]:
    if "searchStr" not in query:
        return records
    return [r for r in records if text_search([r.get("name"), r.get("description")], query["searchStr"])]


def get_role(call: Call) -> Reply:
    return ok(public(_one(call, "roles", "role_id")))


def list_roles(call: Call) -> Reply:
    roles = [public(role) for role in collection(call.org, "roles").values()]
    for key in ("isDefault", "isVisible"):
        if key in call.query:
            roles = [role for role in roles if role[key] == call.query[key]]
    return listing(page(_searched(roles, call.query), call.query, default_limit=500))


def get_profile(call: Call) -> Reply:
    return ok(public(_one(call, "profiles", "profile_id")))


def list_profiles(call: Call) -> Reply:
    profiles = list(collection(call.org, "profiles").values())
    for param, key in (("default", "default"), ("visible", "isVisible")):
        if param in call.query:
            profiles = [profile for profile in profiles if profile[key] == call.query[param]]
    shown = ("id", "name", *call.query.get("fields", ()))
    items = [{key: profile.get(key) for key in shown} for profile in _searched(profiles, call.query)]
    return listing(page(items, call.query, default_limit=250))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/roles",
        list_roles,
        SCOPES,
        params={
            "from": FROM,
            "limit": Integer(minimum=1, maximum=500),
            "isDefault": Flag(),
            "isVisible": Flag(),
            "searchStr": SearchText(),
        },
    ),
    Endpoint("GET", "/roles/{role_id:id}", get_role, SCOPES),
    Endpoint(
        "GET",
        "/profiles",
        list_profiles,
        SCOPES,
        params={
            "from": FROM,
            "limit": Integer(minimum=1, maximum=250),
            "default": Flag(),
            "visible": Flag(),
            "searchStr": SearchText(),
            "fields": Choice(PROFILE_FIELDS, many=True),
        },
    ),
    Endpoint("GET", "/profiles/{profile_id:id}", get_profile, SCOPES),
]
