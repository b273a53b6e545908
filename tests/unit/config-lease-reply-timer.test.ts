import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems, MAX_TIMER_MS } from '../../server/lib/config-validate'

// A control forwarded to another instance (abort, answer) waits `lease.durationMs` + 2 × `lease.heartbeatMs`
// on one timer: past Node's longest timer it fires at once, so every forwarded abort or answer got a 503 at once.
describe('lease settings whose forwarding wait passes the longest Node timer', () => {
  it('stop the boot, naming both settings', () => {
    const durationMs = MAX_TIMER_MS - 1_000
    const problems = configProblems(resolveConfig({ lease: { durationMs, heartbeatMs: 1_000 } }))
    expect(problems).toEqual([expect.stringMatching(/lease\.durationMs \(NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS\).*lease\.heartbeatMs \(NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS\).*2147483647/)])
  })

  it('pass when the wait fits exactly', () => {
    const durationMs = MAX_TIMER_MS - 2_000
    expect(configProblems(resolveConfig({ lease: { durationMs, heartbeatMs: 1_000 } }))).toEqual([])
  })
})
