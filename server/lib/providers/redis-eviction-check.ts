/**
 * The one Redis setting the provider depends on that Redis does not enforce: `maxmemory-policy
 * noeviction`. Under any other policy Redis deletes keys when it reaches `maxmemory`; a job whose
 * hash or log goes is lost mid-run (its owner stops it without an end, its viewers get 404), and a
 * lost index makes jobs vanish from lists or limits miscount. Checked at connect and after each
 * reconnect of the command connection (the URL may reach another Redis by then), logged.
 */

/** The warning for the Redis behind `command`, or null when it keeps every key (or cannot tell). */
export async function evictionPolicyWarning(command: <T>(args: string[]) => Promise<T>): Promise<string | null> {
  const info = await command<string>(['INFO', 'memory'])
  const policy = /^maxmemory_policy:(\S+)/m.exec(String(info))?.[1]
  if (!policy || policy === 'noeviction') return null
  return `Redis evicts keys when it reaches maxmemory (maxmemory-policy ${policy}): a running job whose keys are evicted is lost (its run stops without an end, viewers get 404). Set maxmemory-policy noeviction on this Redis (redis.conf, or CONFIG SET maxmemory-policy noeviction); then a full Redis refuses writes with a 503 instead`
}
