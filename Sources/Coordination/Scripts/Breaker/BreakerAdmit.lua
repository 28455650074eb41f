-- Whether a call to a service may go ahead, by its circuit breaker (cluster-wide, Redis TIME).
-- KEYS[1] = breaker hash, KEYS[2] = half-open trials (sorted set, score = lease end in ms)
-- ARGV[1] = half-open trials allowed, ARGV[2] = trial lease (ms), ARGV[3] = this call's trial id
-- Returns {allowed 0|1, state, retryAfterMs, trial 0|1, transition ('' or the new state), nowMs}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return {1, 'closed', 0, 0, '', now} end
local transition = ''
if state == 'open' then
    local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
    if now < openUntil then return {0, 'open', openUntil - now, 0, '', now} end
    -- The wait is over: the first caller to see it moves the breaker to half-open (once).
    state = 'halfOpen'
    redis.call('HSET', KEYS[1], 'state', 'halfOpen')
    redis.call('DEL', KEYS[2])
    transition = 'halfOpen'
end
-- Half-open: a bounded number of trials in flight across all nodes; a trial whose node died frees
-- its slot when its lease runs out.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[1]) then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[3])
    redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]) * 2)
    return {1, 'halfOpen', 0, 1, transition, now}
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local wait = 1000
if first[2] then wait = math.max(1, math.min(wait, tonumber(first[2]) - now)) end
return {0, 'halfOpen', wait, 0, transition, now}
