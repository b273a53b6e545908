/**
 * `allowPreset` is read twice: at build time (lib/preset-support.ts) and at boot for node-cluster
 * (server/lib/cluster-check.ts). The build reads a preset name as Nitro does (any case, `_` for
 * `-`: `NITRO_PRESET=node_cluster` is the same preset), the boot compared it letter for letter: an
 * operator who wrote `NUXT_BACKGROUND_JOBS_ALLOW_PRESET=node_cluster` (as they wrote NITRO_PRESET)
 * had the build through and the boot stopped with the error it says that setting silences.
 */
import { describe, expect, it } from 'vitest'
import { presetDecision } from '../../lib/preset-support'
import { checkCluster } from '../../server/lib/cluster-check'

describe('allowPreset spelled as Nitro reads preset names', () => {
  it.each(['node_cluster', 'NODE_CLUSTER', 'Node-Cluster', 'vercel, node_cluster'])('%s lets node-cluster boot on memory, as the build lets a refused preset through', (allowPreset) => {
    // The build side already reads the same spelling for a preset it refuses.
    expect(presetDecision('vercel', allowPreset.replace(/node[-_]cluster/i, 'VERCEL'))).toEqual({ action: 'build' })
    const check = checkCluster({ preset: 'node-cluster', clusterWorker: false, env: {}, cpuCount: 4, config: { provider: 'memory', allowPreset } })
    expect(check).toEqual({ role: 'primary', problem: null, warning: null })
  })
})
