/**
 * What the `redis` provider's scripts do with a job whose hash is gone while other keys of it are
 * still there (an eviction under `allkeys-*` takes one key at a time; `FLUSHALL` leaves nothing):
 * the job is lost, so its id leaves the shared sets and its own keys go. Left behind, a lease entry
 * would sort before every later one for good — the recovery scan reads the longest-expired first,
 * so enough of them hide every real expired lease — and an `active` entry would count against the
 * global limit and the takeover share for ever. The user's own entries (`active:<userId>`,
 * `user:<userId>`) cannot be found: the hash held the user id. The create script takes such ids
 * out of `active:<userId>` when the user is at their limit (redis-create-script.ts, `activeOfUser`);
 * nor `active-address:<address>`: `create` drops such ids at the limit too (`activeOfAddress`), and
 * the set expires once none of its jobs can still be active (redis-create.ts, `addressSetLifeMs`).
 */

/** Lua: forgets a job whose hash is gone and tells its followers (an empty batch: they look, find it gone). */
export const FORGET_LOST_JOB = `local function forgetLostJob(p, id)
  redis.call('SREM', p .. 'active', id)
  redis.call('ZREM', p .. 'leases', id)
  redis.call('ZREM', p .. 'ended', id)
  redis.call('DEL', p .. 'log:' .. id, p .. 'ctl:' .. id, p .. 'replies:' .. id)
  redis.call('PUBLISH', p .. 'log:' .. id, '[]')
end`
