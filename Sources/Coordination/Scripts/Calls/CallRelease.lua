-- Lets go of a claim that ended without a result to remember (refused before the provider, or the
-- provider was unreachable), so a retry with the same key calls again; never deletes a result, nor
-- another claimer's claim.
-- KEYS[1] = the key's string, ARGV[1] = request id of the claimer
-- Returns 1 released, 0 not ours.
if redis.call('GET', KEYS[1]) == 'pending:' .. ARGV[1] then
    redis.call('DEL', KEYS[1])
    return 1
end
return 0
