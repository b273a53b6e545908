/**
 * node-cluster at boot (server/lib/cluster-check.ts): several workers with the memory provider
 * stop the boot in the primary, naming the preset and the fixes; a shared provider, one worker or
 * `allowPreset` boot; the primary runs no engine; other Node clusters (pm2) get a warning.
 */
import { describe, expect, it } from 'vitest'
import type { ClusterCheckInput } from '../../server/lib/cluster-check'
import { checkCluster, clusterWorkerCount, workerInstanceId } from '../../server/lib/cluster-check'

const primary = (overrides: Partial<ClusterCheckInput> = {}): ClusterCheckInput => ({
  preset: 'node-cluster',
  clusterWorker: false,
  env: {},
  cpuCount: 4,
  config: { provider: 'memory', allowPreset: '' },
  ...overrides,
})

describe('node-cluster boot check', () => {
  it('refuses the memory provider with several workers, in the primary, naming the preset and every fix', () => {
    const check = checkCluster(primary())
    expect(check.role).toBe('primary')
    expect(check.problem).toContain('the Nitro preset "node-cluster" runs 4 worker processes')
    expect(check.problem).toContain('a job started on one worker is a 404 on the others')
    expect(check.problem).toContain('NUXT_BACKGROUND_JOBS_PROVIDER=redis')
    expect(check.problem).toContain('NITRO_PRESET=node-server')
    expect(check.problem).toContain('NITRO_CLUSTER_WORKERS=1')
    expect(check.problem).toContain('NUXT_BACKGROUND_JOBS_ALLOW_PRESET=node-cluster')
  })

  it('refuses it in a worker too (same environment), with the count from NITRO_CLUSTER_WORKERS', () => {
    const check = checkCluster(primary({ clusterWorker: true, env: { NITRO_CLUSTER_WORKERS: '2' } }))
    expect(check.role).toBe('worker')
    expect(check.problem).toContain('runs 2 worker processes')
  })

  it('boots with a shared provider: the primary runs no engine, the workers do', () => {
    for (const provider of ['redis', 'convex'] as const) {
      expect(checkCluster(primary({ config: { provider, allowPreset: '' } }))).toEqual({ role: 'primary', problem: null, warning: null })
      expect(checkCluster(primary({ clusterWorker: true, config: { provider, allowPreset: '' } }))).toEqual({ role: 'worker', problem: null, warning: null })
    }
  })

  it('boots with one worker (NITRO_CLUSTER_WORKERS=1, or one CPU)', () => {
    expect(checkCluster(primary({ env: { NITRO_CLUSTER_WORKERS: '1' } })).problem).toBeNull()
    expect(checkCluster(primary({ cpuCount: 1 })).problem).toBeNull()
  })

  it('boots when allowPreset names node-cluster', () => {
    expect(checkCluster(primary({ config: { provider: 'memory', allowPreset: 'vercel, node-cluster' } })).problem).toBeNull()
  })

  it('counts workers as Nitro does: NITRO_CLUSTER_WORKERS, else one per CPU', () => {
    expect(clusterWorkerCount({ NITRO_CLUSTER_WORKERS: '3' }, 8)).toBe(3)
    expect(clusterWorkerCount({ NITRO_CLUSTER_WORKERS: 'many' }, 8)).toBe(8)
    expect(clusterWorkerCount({}, 0)).toBe(1)
  })

  it('a single node-server process is neither primary nor worker: nothing to say', () => {
    expect(checkCluster(primary({ preset: 'node-server' }))).toEqual({ role: 'single', problem: null, warning: null })
  })

  it('warns in a worker of another Node cluster (pm2 cluster mode on node-server) with the memory provider', () => {
    const check = checkCluster(primary({ preset: 'node-server', clusterWorker: true }))
    expect(check.role).toBe('worker')
    expect(check.problem).toBeNull()
    expect(check.warning).toContain('worker of a Node cluster')
    expect(checkCluster(primary({ preset: 'node-server', clusterWorker: true, config: { provider: 'redis', allowPreset: '' } })).warning).toBeNull()
  })
})

describe('instance ids of cluster workers', () => {
  it('appends the worker id to a configured instance id (every worker inherits the same one)', () => {
    expect(workerInstanceId('web-1', 2)).toBe('web-1-worker-2')
    expect(workerInstanceId('web-1', undefined)).toBe('web-1')
    expect(workerInstanceId('', 2)).toBe('')
  })
})
