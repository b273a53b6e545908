/**
 * docs/examples/redis: nginx appends the client's address to `X-Forwarded-For` (its nginx.conf says
 * "what trustedProxies = 1 reads"), but the compose file never set trustedProxies, so it stayed 0:
 * every anonymous visitor of the example — what operators copy to production — counted as nginx's
 * own address, all of them sharing one window of 60 creations a minute, 20 running jobs and 200
 * streams. The example's own environment, read from the file, counts the client behind nginx.
 */
import { readFileSync } from 'node:fs'
import type { H3Event } from 'h3'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { assertValidConfig } from '../../server/lib/config-validate'
import { clientAddress } from '../../server/lib/http/client-address'
import { trustedProxiesOf } from '../../server/lib/http/proxy-addresses'
import { composeEnv } from '../support/compose-env'

const EXAMPLE = new URL('../../docs/examples/redis/', import.meta.url)
const COMPOSE = new URL('docker-compose.yml', EXAMPLE).pathname

/** The setting as Nitro reads the example's variable (a JSON number), or undefined when it is not set. */
function exampleTrustedProxies(): BackgroundJobsConfigInput {
  const env = composeEnv(COMPOSE, { NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'x'.repeat(64) })
  const count = env.NUXT_BACKGROUND_JOBS_TRUSTED_PROXIES
  return { provider: 'redis', redisUrl: env.NUXT_BACKGROUND_JOBS_REDIS_URL, cookieSecret: 'x'.repeat(64), ...(count === undefined ? {} : { trustedProxies: JSON.parse(count) }) }
}

function requestThroughNginx(forwardedFor: string): H3Event {
  // nginx's address on the compose network, and what $proxy_add_x_forwarded_for sent.
  return { node: { req: { socket: { remoteAddress: '172.18.0.5' }, headers: { 'x-forwarded-for': forwardedFor } } } } as unknown as H3Event
}

describe('the Redis example behind its nginx', () => {
  it('nginx appends X-Forwarded-For, and the instances read one proxy from it', () => {
    expect(readFileSync(new URL('nginx.conf', EXAMPLE), 'utf8')).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/)
    const config = resolveConfig(exampleTrustedProxies())
    assertValidConfig(config)
    // Two visitors are two addresses, not nginx's one; what a visitor wrote itself is not read.
    expect(clientAddress(requestThroughNginx('198.51.100.7'), trustedProxiesOf(config))).toBe('198.51.100.7')
    expect(clientAddress(requestThroughNginx('6.6.6.6, 203.0.113.9'), trustedProxiesOf(config))).toBe('203.0.113.9')
  })
})
