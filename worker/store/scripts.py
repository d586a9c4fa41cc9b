"""The store's Lua scripts, kept as .lua files in lua/ and registered with each client.

A registered script is sent by SHA (EVALSHA); redis-py loads it once when the server does not know it (first use,
a restart, SCRIPT FLUSH), so the source crosses the wire once per server instead of on every call.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import redis as redis_lib
from redis.commands.core import Script


@cache
def source(name: str) -> str:
    return resources.files(__package__).joinpath("lua", f"{name}.lua").read_text(encoding="utf-8")


def register(redis: redis_lib.Redis, name: str) -> Script:
    return redis.register_script(source(name))
