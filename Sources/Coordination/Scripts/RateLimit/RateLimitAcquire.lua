-- Decides one call against every rate-limit tier of a service at once: either every tier takes the
-- call's units or none does. A sliding log per tier (not a fixed window: those admit twice the
-- limit across a window edge): an entry per admitted call, trimmed to the window, and a running sum
-- of its units, so a decision reads only what expired since the last one. Time is Redis TIME, the
-- one clock of the cluster.
--
-- KEYS[1]      = <prefix>:{svc:<name>}:rl:state     hash: used:<i> (units in tier i's window), seq
-- KEYS[1 + i]  = <prefix>:{svc:<name>}:rl:<tier i>  sorted set: score = admitted at (ms), member = "<seq>:<units>"
-- KEYS[2 + n]  = <prefix>:{svc:<name>}:limits        hash set by PUT /limits and /budget: limit:<i>,
--                mode, daily, monthly (overrides)
-- With a cost (the budget, BudgetPrelude.lua prepended by BudgetScripts.swift):
-- KEYS[3 + n] = budget hash, KEYS[4 + n] = reservations zset, KEYS[5 + n] = the new reservation's
-- hash, KEYS[6 + n] = ledger outbox stream
-- ARGV[1] = units (>= 1), ARGV[2] = consume (1: take the units if allowed, 0: only answer),
-- ARGV[3] = default mode ("enforce", or "shadow": decide and count, never deny), ARGV[4] = number of
-- tiers n, then per tier i: ARGV[3 + 2i] = default limit, ARGV[4 + 2i] = window in ms, then, only
-- with a cost, from B = 5 + 2n: ARGV[B] = cost (micros), ARGV[B+1] = priority (0 low, 1 medium,
-- 2 high, 3 critical), ARGV[B+2] = reservation id, ARGV[B+3] = reservation lifetime (ms),
-- ARGV[B+4] = default daily limit, ARGV[B+5] = default monthly budget, ARGV[B+6] = service name
-- Returns a flat list (hiredis 0.14 nests replies at most 7 deep):
--   {allowed (0/1), denied tier index (0: none; n + 1 the daily budget, n + 2 the monthly one),
--    retryAfterMs (-1: never, the units or the cost exceed the limit), now (ms), shadow (0/1),
--    then per tier: used, resetMs, limit, alert,
--    then, with a cost: budget reason (0 allowed, 1 over the daily limit, 2 over the monthly budget,
--    3 the level lets only higher priorities through), level, dspent, mspent, reserved, daily,
--    monthly, dayResetMs, monthResetMs, raised day level, raised month level, reserved (0/1)}
-- or {-1} when a cost is given while the budget counters are not rebuilt yet (answer 503).
-- `alert` is a transition of the tier's alert state (hash field alert:<i>: ok, near, throttled) made by
-- this very call, so exactly one caller in the cluster sees each: 0 none, 1 near_limit (80% used),
-- 2 throttled (first denial), 3 recovered (back under 80% after near_limit or throttled).
-- In shadow mode a call the limit would refuse is answered allowed (with its denied tier index) but
-- not logged, so the logs hold what enforcement would have admitted and stay bounded by the limit.
local now = redis_now_ms()
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

-- The budget: spent + reserved + cost within the day's limit and the month's budget, and the level
-- (of what is committed already) lets this priority through. Budgets are never in shadow mode.
local B = 5 + 2 * n
local cost = tonumber(ARGV[B] or '-1')
local budget = nil
local budgetReason = 0
if cost >= 0 then
    budget = budget_open(KEYS[3 + n], overrides, KEYS[4 + n], now, ARGV[B + 4], ARGV[B + 5])
    if not budget then return {-1} end
    local priority = tonumber(ARGV[B + 1])
    local dl, ml, level = budget_levels(budget)
    local dayRetry = budget.dayResetMs
    local monthRetry = budget.monthResetMs
    if level >= 5 or (level == 4 and priority < 3) or (level == 3 and priority < 2) then
        budgetReason = 3
    elseif budget.dspent + budget.reserved + cost > budget.daily then
        budgetReason = 1
    elseif budget.mspent + budget.reserved + cost > budget.monthly then
        budgetReason = 2
    end
    if budgetReason ~= 0 then
        -- Name the period that refused: the one over its limit, or the one at the higher level.
        local monthly = budgetReason == 2 or (budgetReason == 3 and ml > dl)
        local budgetRetry = monthly and monthRetry or dayRetry
        if (monthly and cost > budget.monthly) or (not monthly and cost > budget.daily) then budgetRetry = -1 end
        if denied == 0 or (shadow and denied <= n) then
            -- The budget is what refuses (a shadow-mode tier would not have).
            denied = monthly and (n + 2) or (n + 1)
            retry = budgetRetry
        elseif retry ~= -1 and (budgetRetry == -1 or budgetRetry > retry) then
            -- A tier refused too: retrying when it has room would still meet the budget.
            retry = budgetRetry
        end
    end
end

local allowed = (denied == 0 or (shadow and budgetReason == 0 and denied <= n))
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
-- Reserve the cost when the call goes ahead (in shadow mode too: the budget is enforced there).
local reserved = 0
local raised = {0, 0}
if budget and consume and allowed then
    local id = ARGV[B + 2]
    local lifetime = tonumber(ARGV[B + 3])
    budget.reserved = budget.reserved + cost
    redis.call('ZADD', KEYS[4 + n], now + lifetime, id .. ':' .. int(cost))
    redis.call('HSET', KEYS[5 + n], 'amount', int(cost), 'state', 'reserved')
    -- Kept beyond its expiry, so a late settlement is told it had expired rather than unknown.
    redis.call('PEXPIRE', KEYS[5 + n], lifetime + DAY_MS)
    raised = budget_raise_alerts(KEYS[6 + n], budget, ARGV[B + 6], now)
    reserved = 1
end
if budget then budget_save(KEYS[3 + n], budget) end

local out = {allowed and 1 or 0, denied, retry, now, shadow and 1 or 0}
local alerts = {}
for i = 1, n do
    local field = 'alert:' .. i
    local before = redis.call('HGET', state, field) or 'ok'
    local after = 'ok'
    if denied == i then after = 'throttled'
    elseif used[i] * 5 >= limits[i] * 4 then after = (before == 'throttled') and 'throttled' or 'near' end
    local alert = 0
    -- Only a call that asks to take units moves the alert state: a peek (`consume` false, as the
    -- dashboards' polling) must not swallow a transition nobody would then publish.
    if after ~= before and consume then
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
if budget then
    out[#out + 1] = budgetReason
    for _, v in ipairs(budget_figures(budget)) do out[#out + 1] = v end
    out[#out + 1] = raised[1]
    out[#out + 1] = raised[2]
    out[#out + 1] = reserved
end
return out
