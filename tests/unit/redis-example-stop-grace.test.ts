/**
 * docs/examples/redis: `docker compose stop app-a` (a deploy) sends SIGTERM, then SIGKILL after the
 * service's `stop_grace_period` — 10 s unless set, and the example set none. A shutdown may take a
 * lease period (writes given up), the wait for jobs' code and a Redis command timeout (25 s with the
 * defaults, restarts-and-upgrades.md), so with a slow store Docker killed the instance mid-hand-off:
 * no `job-end` written, viewers cut without one. The example gives it that long, and the docs say
 * how long a supervisor must wait.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { RUN_RETURN_GRACE_MS } from '../../server/lib/engine'

const compose = readFileSync(new URL('../../docs/examples/redis/docker-compose.yml', import.meta.url), 'utf8')
const restarts = readFileSync(new URL('../../docs/restarts-and-upgrades.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')

/** The longest a shutdown takes with the default settings: writes given up after a lease, then the code's wait, then Redis's close. */
const LONGEST_SHUTDOWN_MS = DEFAULT_CONFIG.lease.durationMs + RUN_RETURN_GRACE_MS + DEFAULT_CONFIG.redisCommandTimeoutMs

describe('the time a stopping instance is given', () => {
  it('the example\'s app services wait for the longest shutdown before Docker kills them', () => {
    const app = compose.slice(compose.indexOf('x-app: &app'), compose.indexOf('\nservices:'))
    const grace = /^\s+stop_grace_period:\s*(\d+)s\s*$/m.exec(app)
    expect(grace, 'stop_grace_period in x-app').not.toBeNull()
    expect(Number(grace![1]) * 1000).toBeGreaterThanOrEqual(LONGEST_SHUTDOWN_MS)
  })

  it('restarts-and-upgrades.md says how long that is and what Docker and Kubernetes give by default', () => {
    expect(restarts).toContain(`${LONGEST_SHUTDOWN_MS / 1000} s with the defaults`)
    expect(restarts).toMatch(/Docker .*10 s/)
    expect(restarts).toContain('stop_grace_period')
    expect(restarts).toContain('terminationGracePeriodSeconds')
    // Nitro's own bound on the close hooks the dispose runs in.
    expect(restarts).toMatch(/NITRO_SHUTDOWN_TIMEOUT` \(30 s\): with a longer `lease\.durationMs`, raise it/)
  })
})
