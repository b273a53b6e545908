/**
 * The one Redis setting the provider depends on that Redis does not enforce: `maxmemory-policy
 * noeviction`. Under any other policy Redis deletes keys when it reaches `maxmemory`; a job whose
 * hash or log goes is lost mid-run (its owner stops it without an end, its viewers get 404), and a
 * lost index makes jobs vanish from lists or limits miscount. A `volatile-*` policy takes only keys
 * with an expiry: the rate windows and users' recent deletions and changes, never a job's keys. Checked at connect and after each
 * reconnect of the command connection (the URL may reach another Redis by then), logged.
 */

/**
 * The warning for the Redis behind `command`, or null when it keeps every key. A Redis that refuses
 * `INFO` (an ACL user hardened with `-@dangerous`, a managed Redis that renamed it) gets a warning
 * that the policy was not checked; one that fails otherwise (a timeout) rejects.
 */
export async function evictionPolicyWarning(command: <T>(args: string[]) => Promise<T>): Promise<string | null> {
  let info: string
  try {
    info = await command<string>(['INFO', 'memory'])
  }
  catch (error) {
    const message = String((error as Error)?.message)
    if (!/^(NOPERM|ERR unknown command)/.test(message)) throw error
    return `Could not read Redis's maxmemory-policy (INFO memory: ${message}): make sure it is noeviction (CONFIG GET maxmemory-policy as an admin user): under any other policy a full Redis deletes keys, and a running job whose keys are evicted is lost`
  }
  const policy = /^maxmemory_policy:(\S+)/m.exec(String(info))?.[1]
  if (!policy || policy === 'noeviction') return null
  // `volatile-*` evicts only keys with an expiry: no job key has one, so no job is lost.
  if (policy.startsWith('volatile-')) return `Redis evicts keys that have an expiry when it reaches maxmemory (maxmemory-policy ${policy}): jobs are kept (their keys have none, so a full Redis refuses writes with a 503), but the job store's rate-limit windows (rate:*), recent deletions (deleted:*), lost jobs (lost:*) and recent changes (changed:*) may be evicted — a user may then pass a rate limit, notification streams may miss a deletion or a lost job, and one that just opened may miss a change. Set maxmemory-policy noeviction on this Redis (redis.conf, or CONFIG SET maxmemory-policy noeviction) to keep them too`
  return `Redis evicts keys when it reaches maxmemory (maxmemory-policy ${policy}): a running job whose keys are evicted is lost (its run stops without an end, viewers get 404). Set maxmemory-policy noeviction on this Redis (redis.conf, or CONFIG SET maxmemory-policy noeviction); then a full Redis refuses writes with a 503 instead`
}
