-- Records one settled cost (BudgetPrelude.lua is prepended): adds it to the day's and month's spend,
-- releases its reservation if it has one, and appends the cost to the ledger outbox, all in one
-- atomic step, so the counters and the ledger can never disagree.
--
-- KEYS[1] = budget hash, KEYS[2] = limits hash, KEYS[3] = reservations zset,
-- KEYS[4] = the reservation's hash; without a reservation, the idempotency key's hash when
-- ARGV[12] is '1' (else any unused key of the service's tag),
-- KEYS[5] = ledger outbox stream
-- ARGV[1] = cost (micros, >= 0), ARGV[2] = event id, ARGV[3] = operation, ARGV[4] = units,
-- ARGV[5] = reservation id ('' for none), ARGV[6] = request id, ARGV[7] = node id,
-- ARGV[8] = default daily limit, ARGV[9] = default monthly budget, ARGV[10] = service name,
-- ARGV[11] = how long a settled reservation (or an idempotency key) is remembered (ms),
-- ARGV[12] = '1' when KEYS[4] is the caller's idempotency key (a cost without a reservation),
-- ARGV[13..18] = the provider call this cost paid for: HTTP status ('' when the cost is not a
-- call), outcome, latency ms, items, attempts, error text; stored with the cost in one entry
-- Returns {-1} while the counters are not rebuilt; else
--   {outcome, now, level, dspent, mspent, reserved, daily, monthly, dayResetMs, monthResetMs,
--    raised day level, raised month level, event id}
-- outcome: 0 no reservation, 1 reservation settled, 2 reservation had expired (released unsettled
-- before; the cost is recorded anyway: it was spent), 3 unknown reservation (recorded anyway),
-- 4 already settled (nothing recorded: the reply's event id is the first settlement's).
local now = redis_now_ms()
local b = budget_open(KEYS[1], KEYS[2], KEYS[3], now, ARGV[8], ARGV[9])
if not b then return {-1} end
local cost = tonumber(ARGV[1])
local reservation = ARGV[5]
local outcome = 0
local eventId = ARGV[2]
if reservation ~= '' then
    local r = redis.call('HMGET', KEYS[4], 'amount', 'state', 'event')
    if r[2] == 'settled' then
        local out = {4, now}
        for _, v in ipairs(budget_figures(b)) do out[#out + 1] = v end
        out[#out + 1] = 0; out[#out + 1] = 0; out[#out + 1] = r[3]
        budget_save(KEYS[1], b)
        return out
    elseif r[1] then
        if redis.call('ZREM', KEYS[3], reservation .. ':' .. r[1]) == 1 then
            b.reserved = math.max(0, b.reserved - tonumber(r[1]))
            outcome = 1
        else
            outcome = 2
        end
    else
        outcome = 3
    end
    redis.call('HSET', KEYS[4], 'state', 'settled', 'event', eventId, 'amount', r[1] or '0')
    redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[11]))
elseif ARGV[12] == '1' then
    -- A retried request with the same idempotency key: answered with the first recording.
    local prior = redis.call('HGET', KEYS[4], 'event')
    if prior then
        local out = {4, now}
        for _, v in ipairs(budget_figures(b)) do out[#out + 1] = v end
        out[#out + 1] = 0; out[#out + 1] = 0; out[#out + 1] = prior
        budget_save(KEYS[1], b)
        return out
    end
    redis.call('HSET', KEYS[4], 'event', eventId)
    redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[11]))
end
b.dspent = b.dspent + cost
b.mspent = b.mspent + cost
local entry = {'kind', 'cost', 'event', eventId, 'service', ARGV[10], 'operation', ARGV[3],
    'cost', int(cost), 'units', ARGV[4], 'reservation', reservation, 'request', ARGV[6], 'node', ARGV[7], 'at', int(now)}
if ARGV[13] ~= nil and ARGV[13] ~= '' then
    local call = {'call_status', ARGV[13], 'call_outcome', ARGV[14], 'call_latency', ARGV[15], 'call_items', ARGV[16],
        'call_attempts', ARGV[17], 'call_error', ARGV[18]}
    for _, v in ipairs(call) do entry[#entry + 1] = v end
end
redis.call('XADD', KEYS[5], '*', unpack(entry))
local raised = budget_raise_alerts(KEYS[5], b, ARGV[10], now)
budget_save(KEYS[1], b)
local out = {outcome, now}
for _, v in ipairs(budget_figures(b)) do out[#out + 1] = v end
out[#out + 1] = raised[1]; out[#out + 1] = raised[2]; out[#out + 1] = eventId
return out
