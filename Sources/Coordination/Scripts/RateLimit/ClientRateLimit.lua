-- One API client's request against its own limit (a JWT `sub`, every /api/v1 request): the same
-- sliding log as the services' tiers, without what only they need (weighted units, several tiers,
-- shadow mode, run-time overrides, alert states): five Redis calls where the service script makes
-- about fourteen, because it runs on every API request. Refused requests are not logged, so the log
-- holds at most `limit` entries. Time is Redis TIME.
--
-- KEYS[1] = <prefix>:{client:<id>}:rl:minute  sorted set: score = admitted at (ms), member = sequence
-- KEYS[2] = <prefix>:{client:<id>}:rl:state   string: the member sequence
-- ARGV[1] = limit (>= 1), ARGV[2] = window in ms
-- Returns {allowed (0/1), retryAfterMs (0 when allowed), now (ms), used after the decision}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
    -- The entry whose leaving makes room (nodes may run with different limits after a change).
    local entry = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
    local retry = 1
    if #entry == 2 then retry = math.max(1, tonumber(entry[2]) + window - now) end
    return {0, retry, now, used}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], now, seq)
redis.call('PEXPIRE', KEYS[1], window)
redis.call('PEXPIRE', KEYS[2], window)
return {1, 0, now, used + 1}
