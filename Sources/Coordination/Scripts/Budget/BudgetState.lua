-- Reads one service's budget (BudgetPrelude.lua is prepended), releasing expired reservations and
-- rolling the day and month over on the way (so a quiet service's figures are current too).
--
-- KEYS[1] = budget hash, KEYS[2] = limits hash, KEYS[3] = reservations zset, KEYS[4] = ledger outbox
-- ARGV[1] = default daily limit, ARGV[2] = default monthly budget, ARGV[3] = service name: a level
-- reached without spending (an admin lowered the budget) is alerted here, once, like any other
-- ('': only read, for callers that do not pass the real default limits)
-- Returns {-1} while the counters are not rebuilt; else
--   {1, now, level, dspent, mspent, reserved, daily, monthly, dayResetMs, monthResetMs,
--    live reservations, expired reservations (ever), outbox length, oldest outbox entry (ms, 0: none)}
local now = redis_now_ms()
local b = budget_open(KEYS[1], KEYS[2], KEYS[3], now, ARGV[1], ARGV[2])
local oldest = 0
local first = redis.call('XRANGE', KEYS[4], '-', '+', 'COUNT', 1)
if #first == 1 then oldest = tonumber(string.match(first[1][1], '^(%d+)')) end
if not b then return {-1, now, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, redis.call('XLEN', KEYS[4]), oldest} end
if ARGV[3] ~= '' then budget_raise_alerts(KEYS[4], b, ARGV[3], now) end
budget_save(KEYS[1], b)
local out = {1, now}
for _, v in ipairs(budget_figures(b)) do out[#out + 1] = v end
out[#out + 1] = redis.call('ZCARD', KEYS[3])
out[#out + 1] = tonumber(redis.call('HGET', KEYS[1], 'expired') or '0')
out[#out + 1] = redis.call('XLEN', KEYS[4])
out[#out + 1] = oldest
return out
