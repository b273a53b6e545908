/**
 * docs/examples/redis: the app containers' healthcheck asks the health route (decision 037), the
 * one that needs no session, and the balancer waits for both to be healthy; the catalog, which
 * resolves a user, is not what it asks.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { jobsRouteOf } from '../../server/lib/http/route-methods'

const compose = readFileSync(new URL('../../docs/examples/redis/docker-compose.yml', import.meta.url), 'utf8')

describe('the Redis example\'s health check', () => {
  it('asks GET /api/jobs/health on the app\'s port, and the balancer starts once both apps are healthy', () => {
    const app = compose.slice(compose.indexOf('x-app: &app'), compose.indexOf('\nservices:'))
    const test = /^ {4}test: (.+)$/m.exec(app)?.[1] ?? ''
    const url = /'(http:\/\/127\.0\.0\.1:(\d+)(\/[^']*))'/.exec(test)
    expect(url?.[2]).toBe(/^EXPOSE (\d+)$/m.exec(readFileSync(new URL('../../docs/examples/redis/Dockerfile', import.meta.url), 'utf8'))?.[1])
    expect(jobsRouteOf(url![3]!)?.path).toBe('/api/jobs/health')
    const balancer = compose.slice(compose.indexOf('  balancer:'))
    expect(balancer).toMatch(/app-a: \{ condition: service_healthy \}/)
    expect(balancer).toMatch(/app-b: \{ condition: service_healthy \}/)
  })
})
