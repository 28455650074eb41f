-- Decides one call against every rate-limit tier of a service at once: either every tier takes the
-- call's units or none does. A sliding log per tier (not a fixed window: those admit twice the
-- limit across a window edge): an entry per admitted call, trimmed to the window, and a running sum
-- of its units, so a decision reads only what expired since the last one. Time is Redis TIME, the
-- one clock of the cluster.
--
-- KEYS[1]      = <prefix>:{svc:<name>}:rl:state     hash: used:<i> (units in tier i's window), seq
-- KEYS[1 + i]  = <prefix>:{svc:<name>}:rl:<tier i>  sorted set: score = admitted at (ms), member = "<seq>:<units>"
-- KEYS[2 + n]  = <prefix>:{svc:<name>}:limits        hash set by PUT /limits: limit:<i>, mode (overrides)
-- ARGV[1] = units (>= 1), ARGV[2] = consume (1: take the units if allowed, 0: only answer),
-- ARGV[3] = default mode ("enforce", or "shadow": decide and count, never deny), ARGV[4] = number of
-- tiers n, then per tier i: ARGV[3 + 2i] = default limit, ARGV[4 + 2i] = window in ms
-- Returns a flat list (hiredis 0.14 nests replies at most 7 deep):
--   {allowed (0/1), denied tier index (0: none), retryAfterMs (-1: never, the units exceed the limit),
--    now (ms), shadow (0/1), then per tier: used, resetMs, limit, alert}
-- `alert` is a transition of the tier's alert state (hash field alert:<i>: ok, near, throttled) made by
-- this very call, so exactly one caller in the cluster sees each: 0 none, 1 near_limit (80% used),
-- 2 throttled (first denial), 3 recovered (back under 80% after near_limit or throttled).
-- In shadow mode a call the limit would refuse is answered allowed (with its denied tier index) but
-- not logged, so the logs hold what enforcement would have admitted and stay bounded by the limit.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local units = tonumber(ARGV[1])
local consume = ARGV[2] == '1'
local n = tonumber(ARGV[4])
local state = KEYS[1]
-- The cluster's current limits: what an admin set (read in the same atomic step), else the defaults.
local overrides = KEYS[2 + n]
local mode = redis.call('HGET', overrides, 'mode') or ARGV[3]
local shadow = mode == 'shadow'
local limits = {}
for i = 1, n do
    limits[i] = tonumber(redis.call('HGET', overrides, 'limit:' .. i) or ARGV[3 + 2 * i])
end

local used = {}
local denied = 0
local retry = 0
for i = 1, n do
    local log = KEYS[1 + i]
    local limit = limits[i]
    local window = tonumber(ARGV[4 + 2 * i])
    local field = 'used:' .. i
    local current = tonumber(redis.call('HGET', state, field) or '0')
    local expired = redis.call('ZRANGEBYSCORE', log, '-inf', now - window)
    if #expired > 0 then
        for _, member in ipairs(expired) do
            current = current - tonumber(string.match(member, ':(%d+)$'))
        end
        redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
    end
    -- The counter and the log expire separately: an empty log means nothing is in the window.
    if current < 0 or redis.call('ZCARD', log) == 0 then current = 0 end
    redis.call('HSET', state, field, current)
    used[i] = current
    if denied == 0 and current + units > limit then
        denied = i
        if units > limit then
            retry = -1
        else
            -- The earliest moment enough of the oldest entries have left the window. Each entry
            -- holds at least one unit, so the oldest `needed` entries are always enough: the
            -- denial reads O(units), not the whole window.
            local needed = current + units - limit
            local entries = redis.call('ZRANGE', log, 0, needed - 1, 'WITHSCORES')
            local freed = 0
            for j = 1, #entries, 2 do
                freed = freed + tonumber(string.match(entries[j], ':(%d+)$'))
                if freed >= needed then
                    retry = tonumber(entries[j + 1]) + window - now
                    break
                end
            end
            if retry < 1 then retry = 1 end
        end
    end
end

local allowed = denied == 0 or shadow
if consume and denied == 0 then
    local seq = redis.call('HINCRBY', state, 'seq', 1)
    local member = seq .. ':' .. units
    local longest = 0
    for i = 1, n do
        local window = tonumber(ARGV[4 + 2 * i])
        redis.call('ZADD', KEYS[1 + i], now, member)
        redis.call('PEXPIRE', KEYS[1 + i], window)
        used[i] = used[i] + units
        redis.call('HSET', state, 'used:' .. i, used[i])
        if window > longest then longest = window end
    end
    redis.call('PEXPIRE', state, longest)
end

local out = {allowed and 1 or 0, denied, retry, now, shadow and 1 or 0}
local alerts = {}
for i = 1, n do
    local field = 'alert:' .. i
    local before = redis.call('HGET', state, field) or 'ok'
    local after = 'ok'
    if denied == i then after = 'throttled'
    elseif used[i] * 5 >= limits[i] * 4 then after = (before == 'throttled') and 'throttled' or 'near' end
    local alert = 0
    if after ~= before then
        if after == 'throttled' then alert = 2
        elseif after == 'near' then alert = 1
        else alert = 3 end
        redis.call('HSET', state, field, after)
    end
    alerts[i] = alert
end
for i = 1, n do
    local window = tonumber(ARGV[4 + 2 * i])
    local oldest = redis.call('ZRANGE', KEYS[1 + i], 0, 0, 'WITHSCORES')
    local reset = 0
    if #oldest == 2 then reset = tonumber(oldest[2]) + window - now end
    out[#out + 1] = used[i]
    out[#out + 1] = reset
    out[#out + 1] = limits[i]
    out[#out + 1] = alerts[i]
end
return out
