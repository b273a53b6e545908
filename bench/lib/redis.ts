/**
 * A throwaway redis-server for the benchmarks (tests/support/redis-server.ts: 127.0.0.1, a free
 * port, no persistence). Resolves null when redis-server is not installed (the Redis baselines are
 * then skipped and the tables say so).
 */
import type { RedisServer } from '../../tests/support/redis-server.ts'
import { hasRedisServer, startRedisServer } from '../../tests/support/redis-server.ts'

export type { RedisServer } from '../../tests/support/redis-server.ts'

/** Starts redis-server with room for the benchmarks' connections, or returns null when it is missing. */
export async function startRedis(): Promise<RedisServer | null> {
  if (!hasRedisServer()) return null
  return await startRedisServer(['--maxclients', '20000'])
}
