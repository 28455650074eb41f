-- Claims an idempotency key for one protected call, or answers what the key already holds.
-- KEYS[1] = the key's string (`{svc:<name>}:call:<key>`)
-- ARGV[1] = request id of the claimer, ARGV[2] = lease (ms): a claimer that dies frees the key then
-- Returns {1} claimed; {2, request id} another call with this key is running; {3, result JSON} done.
local v = redis.call('GET', KEYS[1])
if not v then
    redis.call('SET', KEYS[1], 'pending:' .. ARGV[1], 'PX', tonumber(ARGV[2]))
    return {1}
end
if string.sub(v, 1, 8) == 'pending:' then return {2, string.sub(v, 9)} end
if string.sub(v, 1, 5) == 'done:' then return {3, string.sub(v, 6)} end
return {2, ''}
