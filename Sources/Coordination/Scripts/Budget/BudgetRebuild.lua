-- Restores one service's budget counters from the ledger after Redis lost them (BudgetPrelude.lua
-- is prepended). The node sums PostgreSQL's cost_events for the day and month it passes, after the
-- service's outbox was seen empty; while `ready` is absent no cost can enter the outbox (settling
-- answers 503), so an empty outbox here means every recorded cost is in those sums.
--
-- KEYS[1] = budget hash, KEYS[2] = reservations zset, KEYS[3] = ledger outbox
-- ARGV[1] = day (days since 1970-01-01, UTC), ARGV[2] = spent that day, ARGV[3] = month
-- (year * 12 + month - 1), ARGV[4] = spent that month
-- Returns 1 rebuilt, 0 already ready (another node did it), -1 the outbox is not empty yet (drain
-- first), -2 the day or month has changed since the sums were taken (sum again).
if redis.call('HGET', KEYS[1], 'ready') == '1' then return 0 end
if redis.call('XLEN', KEYS[3]) > 0 then return -1 end
local now = redis_now_ms()
local day = math.floor(now / DAY_MS)
local y, m = civil_from_days(day)
if tonumber(ARGV[1]) ~= day or tonumber(ARGV[3]) ~= y * 12 + (m - 1) then return -2 end
-- Reservations lost with the counters cannot be released later: start from none.
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'ready', '1', 'day', day, 'month', ARGV[3], 'dspent', ARGV[2], 'mspent', ARGV[4],
    'reserved', 0, 'dalert', 0, 'malert', 0)
return 1
