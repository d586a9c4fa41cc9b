"""The Desk client's Lua scripts (budget, token cache), kept as .lua files in lua/ and registered with each client:
sent by SHA (EVALSHA), loaded by redis-py only when the server does not know them."""

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
