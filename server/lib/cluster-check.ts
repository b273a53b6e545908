/**
 * Node clusters at boot (docs/where-it-runs.md). Nitro's `node-cluster` preset forks
 * `NITRO_CLUSTER_WORKERS` (default: one per CPU) worker processes behind one port, and the
 * connections of one client are spread over them. Each worker has its own memory: with the
 * `memory` provider a job started on one worker is a 404 on the others (its stream, abort,
 * answers, a reconnect). That cannot work, so the boot stops — in the primary process, which runs
 * the app's plugins before it forks (one clear error, not a worker crash loop).
 *
 * The primary serves no request: it starts no engine (with Redis it would otherwise join the
 * instances, be counted in their shares and take over jobs no one could reach through it).
 *
 * Other Node clusters (pm2's cluster mode on the node-server preset) are only seen from the worker
 * side (`cluster.isWorker`: Node reads and then deletes the `NODE_UNIQUE_ID` variable it gives its
 * workers, so the environment cannot tell) and their size is unknown: a warning.
 */
import type { BackgroundJobsConfig } from './config'
import { envNameOf } from './config'

/** The preset whose primary process forks the workers. */
export const CLUSTER_PRESET = 'node-cluster'

/** What the boot check reads. */
export interface ClusterCheckInput {
  /** The Nitro preset the server was built with. */
  preset: string
  /** This process is a worker of a Node cluster (`cluster.isWorker` of `node:cluster`). */
  clusterWorker: boolean
  /** The process environment (`NITRO_CLUSTER_WORKERS`). */
  env: Record<string, string | undefined>
  /** How many workers node-cluster forks without `NITRO_CLUSTER_WORKERS`: Nitro's `os.cpus().length`. */
  cpuCount: number
  config: Pick<BackgroundJobsConfig, 'provider' | 'allowPreset'>
}

/** The outcome: this process's role, and a problem (stop the boot) or a warning. */
export interface ClusterCheck {
  /** `primary`: node-cluster's forking process (no engine); `worker`: a cluster worker; `single`: neither. */
  role: 'primary' | 'worker' | 'single'
  problem: string | null
  warning: string | null
}

/** A preset's name as Nitro reads it (and the build's check, lib/preset-support.ts): any case, `_` for `-` (`node_cluster`). */
function presetName(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, '-')
}

/** True when this process is node-cluster's primary: it forks the workers and serves nothing itself. */
export function isClusterPrimary(preset: string, clusterWorker: boolean): boolean {
  return preset === CLUSTER_PRESET && !clusterWorker
}

/** How many workers node-cluster starts (Nitro: `NITRO_CLUSTER_WORKERS`, else one per CPU). */
export function clusterWorkerCount(env: Record<string, string | undefined>, cpuCount: number): number {
  return Number.parseInt(env.NITRO_CLUSTER_WORKERS || '') || Math.max(1, cpuCount)
}

/** Decides what the boot does on a Node cluster. */
export function checkCluster(input: ClusterCheckInput): ClusterCheck {
  const { preset, env, config, clusterWorker: worker } = input
  const role = isClusterPrimary(preset, worker) ? 'primary' : worker ? 'worker' : 'single'
  const allowed = String(config.allowPreset).split(/[\s,]+/).map(presetName).includes(presetName(preset))
  if (config.provider !== 'memory' || allowed) return { role, problem: null, warning: null }
  const fix = `use provider 'redis' or 'convex' (${envNameOf('provider')}=redis, docs/providers.md), so every worker sees every job`
  if (preset === CLUSTER_PRESET) {
    const workers = clusterWorkerCount(env, input.cpuCount)
    if (workers <= 1) return { role, problem: null, warning: null }
    return {
      role,
      problem: `nuxt-background-jobs: the Nitro preset "node-cluster" runs ${workers} worker processes behind one port, each with its own memory; with the provider "memory" a job started on one worker is a 404 on the others (its stream, abort, answers, reconnects). `
        + `Either ${fix}, build with the node-server preset (NITRO_PRESET=node-server), or set NITRO_CLUSTER_WORKERS=1. `
        + `To run anyway, set backgroundJobs.allowPreset: 'node-cluster' (${envNameOf('allowPreset')}=node-cluster). See docs/where-it-runs.md.`,
      warning: null,
    }
  }
  if (!worker) return { role, problem: null, warning: null }
  return {
    role,
    problem: null,
    warning: `this server is a worker of a Node cluster (pm2 cluster mode?): with the provider "memory" each worker has its own jobs, so with more than one worker a job started on one is a 404 on the others; ${fix}, or run one process (docs/where-it-runs.md)`,
  }
}

/**
 * The instance id of a cluster worker. Every worker inherits the same environment, so a configured
 * `instanceId` would name them all alike, and with a shared provider each would take the others'
 * leases for its own: the worker's cluster id is appended. Empty stays empty (a random id each).
 */
export function workerInstanceId(configured: string, workerId: number | undefined): string {
  return configured && workerId !== undefined ? `${configured}-worker-${workerId}` : configured
}

/**
 * Whether a disposed engine keeps its instance registration (it lapses by itself within the
 * instance TTL): in `nuxt dev` with a configured `instanceId`. `nuxt dev` starts the reloaded
 * server before the old one is closed (up to 5 s later), both under that id. The old one's leave
 * once removed the registration the new one had just made; since leaving removes only a
 * registration the process itself heartbeated last (its token: redis-instance-registration.ts,
 * convex/leases.ts `heartbeatInstance`), it no longer does: this guard is redundant with that
 * check (tests/providers/redis-dev-reload-registration.test.ts still holds without it). Its one
 * remaining effect: the last dev server's registration lapses within the TTL instead of being
 * removed at its stop, which nothing in dev waits on. Kept so as not to change that.
 */
export function devReloadKeepsRegistration(dev: boolean, configuredInstanceId: string): boolean {
  return dev && configuredInstanceId !== ''
}
