/**
 * Several processes of the built fixture app sharing one real Redis (provider `redis`, one cookie
 * secret, short leases so takeovers happen within a test), each on its own port. An instance can
 * be SIGKILLed and started again on a new port.
 */
import type { AppServer } from './app-server'
import { startAppServer } from './app-server'
import type { RedisServer } from './redis-server'
import { startRedisServer } from './redis-server'
import { killProcess } from './server-process'

/** The metrics token of cluster instances (engine counts are read through the metrics route). */
export const CLUSTER_METRICS_TOKEN = 'cluster-metrics-token'
/** The lease of a job on a cluster instance: a killed owner's jobs lapse this long after its last heartbeat. */
export const CLUSTER_LEASE_DURATION_MS = 1_500
/** How often an owner renews its leases, and how often every instance scans for lapsed ones. */
export const CLUSTER_LEASE_HEARTBEAT_MS = 300

/** Options of a cluster. */
export interface ClusterOptions {
  size: number
  /** Extra NUXT_BACKGROUND_JOBS_* variables for every instance. */
  env?: Record<string, string>
}

/** A running cluster. */
export interface Cluster {
  redis: RedisServer
  instances: AppServer[]
  /** SIGKILLs instance `index` (no shutdown: its leases simply stop being renewed). */
  kill(index: number): Promise<void>
  /** Starts instance `index` again (a new process, a new port). */
  restart(index: number): Promise<AppServer>
  stop(): Promise<void>
}

/** Starts Redis and `size` instances of the app on it. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const redis = await startRedisServer()
  const env: Record<string, string> = {
    NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
    NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url,
    NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-every-instance-shares-0123456789',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: CLUSTER_METRICS_TOKEN,
    NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: String(CLUSTER_LEASE_DURATION_MS),
    NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: String(CLUSTER_LEASE_HEARTBEAT_MS),
    ...options.env,
  }
  const start = (index: number) => startAppServer({ ...env, NUXT_BACKGROUND_JOBS_INSTANCE_ID: `instance-${index}-${Date.now()}` })
  const instances = await Promise.all(Array.from({ length: options.size }, (_, index) => start(index)))
  async function kill(index: number) {
    await killProcess(instances[index]!.process)
  }
  return {
    redis,
    instances,
    kill,
    async restart(index) {
      await kill(index)
      instances[index] = await start(index)
      return instances[index]!
    },
    async stop() {
      await Promise.all(instances.map(instance => instance.stop()))
      await redis.stop()
    },
  }
}
