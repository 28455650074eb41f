-- Shared by every script that touches a service's budget (prepended to RateLimitAcquire.lua,
-- BudgetSettle.lua, BudgetState.lua by BudgetScripts.swift): the UTC calendar from Redis TIME, the
-- counters of the current day and month, the release of expired reservations, and the levels.
-- Money is integer micro-dollars (Lua numbers are doubles: exact below 2^53 micros, $9e9).

local DAY_MS = 86400000

-- An amount as Redis stores it: Lua would write a number as "%.14g" ("1.2345678901234e+14" from
-- $123M), losing cents and breaking tonumber on the way back; "%d" is exact below 2^53.
local function int(x)
    return string.format('%d', x)
end

-- (year, month, day) of a day counted from 1970-01-01 (H. Hinnant's civil_from_days).
local function civil_from_days(days)
    local z = days + 719468
    local era = math.floor(z / 146097)
    local doe = z - era * 146097
    local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
    local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
    local mp = math.floor((5 * doy + 2) / 153)
    local d = doy - math.floor((153 * mp + 2) / 5) + 1
    local m = mp < 10 and mp + 3 or mp - 9
    local y = yoe + era * 400
    if m <= 2 then y = y + 1 end
    return y, m, d
end

-- Days from 1970-01-01 to (year, month, day) (days_from_civil).
local function days_from_civil(y, m, d)
    if m <= 2 then y = y - 1 end
    local era = math.floor(y / 400)
    local yoe = y - era * 400
    local mp = (m + 9) % 12
    local doy = math.floor((153 * mp + 2) / 5) + d - 1
    local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
    return era * 146097 + doe - 719468
end

local function redis_now_ms()
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The budget of one service now, or nil while its counters are not rebuilt from the ledger (the
-- `ready` field is absent: Redis lost them; deciding on zeros would let the day's spend again).
-- Rolls the day and month over, releases expired reservations (counted in `expired`).
local function budget_open(budgetKey, limitsKey, reservationsKey, now, dailyDefault, monthlyDefault)
    local f = redis.call('HMGET', budgetKey, 'ready', 'day', 'month', 'dspent', 'mspent', 'reserved', 'dalert', 'malert')
    if f[1] ~= '1' then return nil end
    local b = {}
    b.day = math.floor(now / DAY_MS)
    local y, m, d = civil_from_days(b.day)
    b.month = y * 12 + (m - 1)
    b.dayKey = string.format('day:%04d-%02d-%02d', y, m, d)
    b.monthKey = string.format('month:%04d-%02d', y, m)
    if tonumber(f[2]) == b.day then
        b.dspent = tonumber(f[4] or '0'); b.dalert = tonumber(f[7] or '0')
    else
        b.dspent = 0; b.dalert = 0
    end
    if tonumber(f[3]) == b.month then
        b.mspent = tonumber(f[5] or '0'); b.malert = tonumber(f[8] or '0')
    else
        b.mspent = 0; b.malert = 0
    end
    b.reserved = tonumber(f[6] or '0')
    local l = redis.call('HMGET', limitsKey, 'daily', 'monthly')
    b.daily = tonumber(l[1] or dailyDefault)
    b.monthly = tonumber(l[2] or monthlyDefault)
    local expired = redis.call('ZRANGEBYSCORE', reservationsKey, '-inf', now, 'LIMIT', 0, 200)
    for _, member in ipairs(expired) do
        b.reserved = b.reserved - tonumber(string.match(member, ':(%d+)$'))
        redis.call('ZREM', reservationsKey, member)
    end
    if #expired > 0 then redis.call('HINCRBY', budgetKey, 'expired', #expired) end
    if b.reserved < 0 or redis.call('ZCARD', reservationsKey) == 0 then b.reserved = 0 end
    b.dayResetMs = (b.day + 1) * DAY_MS - now
    local ny, nm = y, m + 1
    if nm > 12 then ny = y + 1; nm = 1 end
    b.monthResetMs = days_from_civil(ny, nm, 1) * DAY_MS - now
    return b
end

local function budget_save(budgetKey, b)
    redis.call('HSET', budgetKey, 'day', int(b.day), 'month', int(b.month), 'dspent', int(b.dspent),
        'mspent', int(b.mspent), 'reserved', int(b.reserved), 'dalert', b.dalert, 'malert', b.malert)
end

-- Level of `used` against `limit`: 0 ok, 1 warning (70%), 2 critical (85%), 3 throttled (90%),
-- 4 emergency (95%), 5 blocked (100%). Integer comparisons: no rounding at a threshold. A zero
-- limit is blocked: nothing may be spent.
local function level_of(used, limit)
    if limit <= 0 or used >= limit then return 5 end
    if used * 100 >= limit * 95 then return 4 end
    if used * 100 >= limit * 90 then return 3 end
    if used * 100 >= limit * 85 then return 2 end
    if used * 100 >= limit * 70 then return 1 end
    return 0
end

local LEVEL_NAMES = {'warning', 'critical', 'throttled', 'emergency', 'blocked'}

-- Committed spend (spent + live reservations) of each period and the service's level (the higher).
local function budget_levels(b)
    local dl = level_of(b.dspent + b.reserved, b.daily)
    local ml = level_of(b.mspent + b.reserved, b.monthly)
    return dl, ml, math.max(dl, ml)
end

-- Appends an alert to the ledger outbox for each period whose level rose above what was already
-- raised in the period: once per service, level and period, because this runs inside the one
-- script that changed the counters. The node that drains the outbox stores and broadcasts it.
local function budget_raise_alerts(outboxKey, b, service, now)
    local dl, ml = budget_levels(b)
    local raised = {0, 0}
    if dl > b.dalert then
        redis.call('XADD', outboxKey, '*', 'kind', 'alert', 'service', service, 'level', LEVEL_NAMES[dl],
            'period', 'day', 'key', b.dayKey .. ':' .. LEVEL_NAMES[dl], 'spent', int(b.dspent + b.reserved),
            'limit', int(b.daily), 'at', int(now))
        b.dalert = dl
        raised[1] = dl
    end
    if ml > b.malert then
        redis.call('XADD', outboxKey, '*', 'kind', 'alert', 'service', service, 'level', LEVEL_NAMES[ml],
            'period', 'month', 'key', b.monthKey .. ':' .. LEVEL_NAMES[ml], 'spent', int(b.mspent + b.reserved),
            'limit', int(b.monthly), 'at', int(now))
        b.malert = ml
        raised[2] = ml
    end
    return raised
end

-- The budget's figures in a reply: level, spent today, spent this month, reserved, daily limit,
-- monthly budget, until the day resets, until the month resets.
local function budget_figures(b)
    local _, _, level = budget_levels(b)
    return {level, b.dspent, b.mspent, b.reserved, b.daily, b.monthly, b.dayResetMs, b.monthResetMs}
end
