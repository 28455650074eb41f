-- Records the outcome of a call for its service's circuit breaker and health (Redis TIME).
-- KEYS[1] = breaker hash, KEYS[2] = trials, KEYS[3] = window hash, KEYS[4] = samples list, KEYS[5] = rate hash
-- ARGV[1] = 1 success | 0 failure, ARGV[2] = latency ms, ARGV[3] = error text (failure), ARGV[4] = 1 if a
-- half-open trial, ARGV[5] = its trial id, ARGV[6] = window ms, ARGV[7] = minimum calls,
-- ARGV[8] = error rate to open (per mille), ARGV[9] = consecutive failures to open, ARGV[10] = base
-- open wait ms, ARGV[11] = longest open wait ms
-- Returns {transition ('' or the new state), state after, open wait ms (when it opened)}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sec = math.floor(now / 1000)
local ok = ARGV[1] == '1'

-- Health: the latest samples (5 minutes are read from them) and calls per second.
redis.call('LPUSH', KEYS[4], now .. ':' .. ARGV[2] .. ':' .. ARGV[1])
redis.call('LTRIM', KEYS[4], 0, 1999)
redis.call('PEXPIRE', KEYS[4], 600000)
redis.call('HINCRBY', KEYS[5], tostring(sec), 1)
redis.call('PEXPIRE', KEYS[5], 600000)
if redis.call('HLEN', KEYS[5]) > 320 then
    for _, field in ipairs(redis.call('HKEYS', KEYS[5])) do
        if tonumber(field) < sec - 300 then redis.call('HDEL', KEYS[5], field) end
    end
end
if not ok then redis.call('HSET', KEYS[1], 'lastError', ARGV[3], 'lastErrorAt', now) end

local function open(reason_state)
    local opens = redis.call('HINCRBY', KEYS[1], 'opens', 1)
    local wait = tonumber(ARGV[10]) * (2 ^ (opens - 1))
    if wait > tonumber(ARGV[11]) then wait = tonumber(ARGV[11]) end
    wait = math.floor(wait)
    redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + wait, 'consecutive', 0)
    redis.call('DEL', KEYS[2], KEYS[3])
    return {'open', 'open', wait}
end

local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if ARGV[4] == '1' then
    local held = redis.call('ZREM', KEYS[2], ARGV[5])
    if state == 'halfOpen' and held == 1 then
        if ok then
            redis.call('HSET', KEYS[1], 'state', 'closed', 'opens', 0, 'consecutive', 0)
            redis.call('HDEL', KEYS[1], 'openUntil')
            redis.call('DEL', KEYS[2], KEYS[3])
            return {'closed', 'closed', 0}
        end
        return open()
    end
    return {'', state, 0}
end
if state ~= 'closed' then return {'', state, 0} end

-- Closed: the sliding window of outcomes per second, and the run of consecutive failures.
redis.call('HINCRBY', KEYS[3], (ok and 'o' or 'f') .. sec, 1)
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[6]) + 1000)
local oldest = sec - math.ceil(tonumber(ARGV[6]) / 1000) + 1
local total, failures = 0, 0
local fields = redis.call('HGETALL', KEYS[3])
for i = 1, #fields, 2 do
    local name, count = fields[i], tonumber(fields[i + 1])
    if tonumber(string.sub(name, 2)) < oldest then
        redis.call('HDEL', KEYS[3], name)
    else
        total = total + count
        if string.sub(name, 1, 1) == 'f' then failures = failures + count end
    end
end
local consecutive = 0
if ok then redis.call('HSET', KEYS[1], 'consecutive', 0) else consecutive = redis.call('HINCRBY', KEYS[1], 'consecutive', 1) end
if (total >= tonumber(ARGV[7]) and failures * 1000 >= tonumber(ARGV[8]) * total and failures > 0)
    or (not ok and consecutive >= tonumber(ARGV[9])) then
    return open()
end
return {'', 'closed', 0}
