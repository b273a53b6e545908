/**
 * Whether the URL reaches a Redis Cluster whose slots are spread over several primaries (a
 * managed Redis with "cluster mode" on and more than one shard), which the `redis` provider does
 * not support: its scripts read and write keys of many hash slots in one step (a job's hash and
 * log, the user's lists, the shared sets), which only a node that holds every slot can run.
 * Pointed at such a cluster, the boot went through and then every job creation failed with
 * Redis's bare `ERR Script attempted to access a non local key in a cluster node` (a 500 each).
 * Checked at connect (`CLUSTER SLOTS`): a standalone Redis refuses the command (cluster support
 * disabled), as may an ACL user without it, and both pass; so does a cluster whose one primary
 * holds every slot, where the scripts run as on a standalone Redis.
 */
import { StoreUnreachableError } from '../errors'
import { redactUrl } from './redis-url-redaction'

/** The number of hash slots of a Redis Cluster. */
const CLUSTER_SLOTS = 16_384

/** The URL reaches a Redis Cluster the provider cannot run on. */
export class RedisClusterUnsupportedError extends StoreUnreachableError {
  override name = 'RedisClusterUnsupportedError'
  constructor(url: string, primaries: number, slots: number) {
    super(`NUXT_BACKGROUND_JOBS_REDIS_URL (${redactUrl(url)}) reaches a Redis Cluster whose ${slots} of ${CLUSTER_SLOTS} assigned hash slots are spread over ${primaries} primaries: the redis provider's scripts touch keys of many slots at once, which only a node holding every slot runs. Use a standalone Redis (or one managed by Sentinel), or a cluster with a single shard (docs/providers.md, "redis")`)
  }
}

/** A `CLUSTER SLOTS` range: start, end, then the primary (`[host, port, id, …]`) and its replicas. */
type SlotRange = [start: number, end: number, primary: [host: string, port: number, id?: string, ...rest: unknown[]], ...replicas: unknown[]]

/**
 * Throws `RedisClusterUnsupportedError` when `CLUSTER SLOTS` shows the slots held by more than
 * one primary, or not all of them held; any refusal of the command (no cluster, no permission)
 * leaves the decision to the calls that follow.
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
