/**
 * Whether the URL reaches a Redis Cluster whose slots are spread over several primaries (a
 * managed Redis with "cluster mode" on and more than one shard), which the `redis` provider does
 * not support: its scripts read and write keys of many hash slots in one step (a job's hash and
 * log, the user's lists, the shared sets), which only a node that holds every slot can run.
 * Pointed at such a cluster, the boot went through and then every job creation failed with
 * Redis's bare `ERR Script attempted to access a non local key in a cluster node` (a 500 each).
 * Checked at connect (`CLUSTER SLOTS`): a standalone Redis refuses the command (cluster support
 * disabled), as may an ACL user without it, and both pass; so does a cluster whose one primary
 * holds every slot, where the scripts run as on a standalone Redis. A proxy in front of a cluster
 * (Envoy, predixy) refuses `CLUSTER SLOTS` too, so the provider also runs one script as its own
 * are run (no keys declared) reading keys spread over the hash slots: a proxy or cluster that
 * cannot run the provider's scripts fails it, and the boot with it.
 */
import { ProviderUnavailableError, StoreUnreachableError } from '../errors'
import { firstLine } from './redis-refusal'
import { redactUrl } from './redis-url-redaction'

/** The number of hash slots of a Redis Cluster. */
const CLUSTER_SLOTS = 16_384

/** The URL reaches a Redis Cluster the provider cannot run on. */
export class RedisClusterUnsupportedError extends StoreUnreachableError {
  override readonly needsFix = 'store-unsupported' as const
  override name = 'RedisClusterUnsupportedError'
  constructor(url: string, primaries: number, slots: number) {
    super(`NUXT_BACKGROUND_JOBS_REDIS_URL (${redactUrl(url)}) reaches a Redis Cluster whose ${slots} of ${CLUSTER_SLOTS} assigned hash slots are spread over ${primaries} primaries: the redis provider's scripts touch keys of many slots at once, which only a node holding every slot runs. Use a standalone Redis (or one managed by Sentinel), or a cluster with a single shard (docs/providers.md, "redis")`)
  }
}

/** The URL reaches a Redis (or a proxy) that cannot run a script over keys of several hash slots. */
export class RedisScriptsUnsupportedError extends StoreUnreachableError {
  override readonly needsFix = 'store-unsupported' as const
  override name = 'RedisScriptsUnsupportedError'
  constructor(url: string, reply: string, options?: { cause?: unknown }) {
    super(`NUXT_BACKGROUND_JOBS_REDIS_URL (${redactUrl(url)}) could not run a script of the redis provider that reads keys of several hash slots, as its writes do: ${reply}. A Redis Cluster or a proxy in front of one (Envoy, predixy, a managed "cluster mode" endpoint) cannot run them: use a standalone Redis (or one managed by Sentinel), or a cluster with a single shard (docs/providers.md, "redis"); an ACL user needs the scripting commands (+@scripting)`, options)
  }
}

/**
 * Hash tags whose slots fall one in each sixteenth of the 16,384 (CRC16 of "10" is slot 247, of
 * "3" 1584 …): a cluster of several shards holds some on different shards.
 */
const SPREAD_TAGS = ['10', '3', '61', '43', '11', '2', '60', '42', '12', '1', '63', '41', '13', '0', '62', '40']

/** Reads (never writes) every key it is given, as the provider's scripts read theirs: passed as arguments. */
const SPREAD_READ_SCRIPT = 'for _, key in ipairs(ARGV) do redis.call(\'EXISTS\', key) end return 1'

/**
 * Runs `SPREAD_READ_SCRIPT` over the provider's keys `<prefix>slot-check:{tag}`; an error reply
 * throws `RedisScriptsUnsupportedError`. Redis's own state (LOADING, BUSY …) and no answer are left
 * to the calls that follow, like the other checks. Run after the keys' access check
 * (redis-key-check.ts), whose error names an ACL that does not grant them.
 */
export async function checkScriptsRun(command: <T>(args: string[]) => Promise<T>, prefix: string, url: string): Promise<void> {
  try {
    await command(['EVAL', SPREAD_READ_SCRIPT, '0', ...SPREAD_TAGS.map(tag => `${prefix}slot-check:{${tag}}`)])
  }
  catch (error) {
    if (error instanceof ProviderUnavailableError) return
    throw new RedisScriptsUnsupportedError(url, firstLine(String((error as Error)?.message ?? error)), { cause: error })
  }
}

/** A `CLUSTER SLOTS` range: start, end, then the primary (`[host, port, id, …]`) and its replicas. */
type SlotRange = [start: number, end: number, primary: [host: string, port: number, id?: string, ...rest: unknown[]], ...replicas: unknown[]]

/**
 * Throws `RedisClusterUnsupportedError` when `CLUSTER SLOTS` shows the slots held by more than
 * one primary, or not all of them held; any refusal of the command (no cluster, no permission, a
 * proxy) leaves the decision to `checkScriptsRun`.
 */
export async function checkNotCluster(command: <T>(args: string[]) => Promise<T>, url: string): Promise<void> {
  let ranges: SlotRange[]
  try {
    ranges = await command<SlotRange[]>(['CLUSTER', 'SLOTS'])
  }
  catch {
    return
  }
  if (!Array.isArray(ranges) || ranges.length === 0) return
  const primaries = new Set<string>()
  let slots = 0
  for (const [start, end, primary] of ranges) {
    slots += Number(end) - Number(start) + 1
    primaries.add(String(primary?.[2] ?? `${primary?.[0]}:${primary?.[1]}`))
  }
  if (primaries.size > 1 || slots < CLUSTER_SLOTS) throw new RedisClusterUnsupportedError(url, primaries.size, slots)
}
