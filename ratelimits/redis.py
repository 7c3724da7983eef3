"""The buckets in Redis: one script a take, atomic over all its buckets.

Redis runs a script alone, so reading every bucket, deciding and writing them
all (or none) cannot interleave with another take. The script reads the
server's clock (``TIME``), so gateway processes whose clocks disagree still
agree. Each bucket is a hash (``t``: tokens, ``u``: microseconds since the
epoch) that expires once it would be full again: idle buckets cost nothing.

All of a take's keys must live on one server (no Redis Cluster across slots).
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from ratelimits.bucket import TOLERANCE
from ratelimits.store import ALLOWED, Check, Decision, refusal, validate

#: KEYS: the buckets. ARGV: now in microseconds ("" for the server's clock),
#: the tolerance, then rate, burst and cost of each bucket in turn. Returns
#: {1 if every bucket paid else 0, then each bucket's tokens before the take}.
_SCRIPT = """
local now
if ARGV[1] == '' then
    local clock = redis.call('TIME')
    now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
else
    now = tonumber(ARGV[1])
end
local tolerance = tonumber(ARGV[2])
local held, at, allowed = {}, {}, 1
for i = 1, #KEYS do
    local rate = tonumber(ARGV[3 * i])
    local burst = tonumber(ARGV[3 * i + 1])
    local cost = tonumber(ARGV[3 * i + 2])
    local bucket = redis.call('HMGET', KEYS[i], 't', 'u')
    local tokens, updated = tonumber(bucket[1]), tonumber(bucket[2])
    if tokens == nil or updated == nil then
        held[i], at[i] = burst, now
    else
        local elapsed = math.max(0, now - updated) / 1000000
        held[i] = math.min(burst, tokens + rate * elapsed)
        at[i] = math.max(updated, now)
    end
    if held[i] < cost - tolerance then
        allowed = 0
    end
end
local reply = {allowed}
for i = 1, #KEYS do
    reply[i + 1] = string.format('%.17g', held[i])
    if allowed == 1 then
        local rate = tonumber(ARGV[3 * i])
        local burst = tonumber(ARGV[3 * i + 1])
        local tokens = math.max(0, held[i] - tonumber(ARGV[3 * i + 2]))
        redis.call('HSET', KEYS[i], 't', string.format('%.17g', tokens),
            'u', string.format('%d', at[i]))
        -- once full again, the bucket is the same as no bucket
        local full_in = (burst - tokens) / rate
        redis.call('PEXPIRE', KEYS[i],
            string.format('%d', math.ceil(full_in * 1000) + 1000))
    end
end
return reply
"""


class RedisStore:
    """Buckets shared through a Redis server, under keys starting ``prefix``.

    A refused take writes nothing: the bucket's state and expiry stay right.
    """

    def __init__(self, client: Redis, *, prefix: str = "ratelimit:") -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_SCRIPT)

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "ratelimit:", timeout: float = 0.5
    ) -> RedisStore:
        """A store with its own client; ``timeout`` bounds connecting and each
        reply, so a frozen server frees its connections."""
        client = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        return cls(client, prefix=prefix)

    async def take(self, checks: Sequence[Check], now: float | None = None) -> Decision:
        validate(checks)
        if not checks:
            return ALLOWED
        args: list[str] = ["" if now is None else str(round(now * 1_000_000))]
        args.append(repr(TOLERANCE))
        for check in checks:
            args += [
                repr(check.limit.rate_per_second),
                str(check.limit.burst),
                repr(float(check.cost)),
            ]
        reply = await self._script(
            keys=[self._prefix + check.key for check in checks], args=args
        )
        if int(reply[0]) == 1:
            return ALLOWED
        return refusal(checks, [float(held) for held in reply[1:]])

    async def close(self) -> None:
        await self._client.aclose()
