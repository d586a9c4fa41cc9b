"""Roles and profiles: GET /roles, /roles/{id}, /profiles, /profiles/{id} (Desk.basic.READ, Desk.settings.READ or
Desk.permissions.READ).

From the vendor's spec (Role.json, Profile.json): a role has id, name, description, shareDataWithPeers,
reportsTo, isDefault, isVisible and immediateSubRoles; the role list filters by isDefault, isVisible and
searchStr, paged by from and limit 0..500. A profile (commonProfileResponse, one or listed) shows id, name,
description, type, default, isVisible and its permissions, every group and key of the schema's
commonPermissionJson (records/permissions.py); the profile list filters by default, visible and searchStr.

Choices: the roles and profiles are the ones the seeded agents hold (records/catalogue.py); the profile list also
pages (from, limit 1..250, default 250) and takes `fields` (type, isVisible, default, modifiedBy, modifiedTime,
description), which shows id, name and those keys only (as later versions of the vendor's spec have it);
searchStr is the agents' (`abc*`, `*abc*`, exact) on name and description; unknown ids are 404; empty lists
answer 204.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page
from sandbox.params import FROM, Choice, Flag, Integer
from sandbox.records.catalogue import collection
from sandbox.records.permissions import permissions
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


def profile_view(profile: Record) -> Record:
    """A profile as the vendor's commonProfileResponse has it (not modifiedBy, modifiedTime: `fields` shows them)."""
    view = {key: profile.get(key) for key in ("id", "name", "description", "type", "default", "isVisible")}
    return view | {"permissions": permissions(profile["type"])}


def get_profile(call: Call) -> Reply:
    return ok(profile_view(_one(call, "profiles", "profile_id")))


def list_profiles(call: Call) -> Reply:
    profiles = list(collection(call.org, "profiles").values())
    for param, key in (("default", "default"), ("visible", "isVisible")):
        if param in call.query:
            profiles = [profile for profile in profiles if profile[key] == call.query[param]]
    profiles = page(_searched(profiles, call.query), call.query, default_limit=250)
    if "fields" not in call.query:
        return listing([profile_view(profile) for profile in profiles])
    shown = ("id", "name", *call.query["fields"])
    return listing([{key: profile.get(key) for key in shown} for profile in profiles])


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
