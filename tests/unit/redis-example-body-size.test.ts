/**
 * The deployment example's nginx (docs/examples/redis/nginx.conf) lets through every body the
 * layer takes by default: a body past `client_max_body_size` gets nginx's own HTML 413, before the
 * app could answer its JSON 413 naming the limit — and an AI SDK chat that the docs say goes on up
 * to `limits.maxChatBodyBytes` (4 MiB) would stop at nginx's limit.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'

const UNITS: Record<string, number> = { '': 1, 'k': 1024, 'm': 1024 ** 2, 'g': 1024 ** 3 }

describe('docs/examples/redis/nginx.conf', () => {
  it('takes bodies larger than the layer\'s default body limits, so the app answers its own 413', () => {
    const conf = readFileSync(new URL('../../docs/examples/redis/nginx.conf', import.meta.url), 'utf8')
    const [, size, unit] = /^\s*client_max_body_size\s+(\d+)([kmg]?)\s*;/im.exec(conf) ?? []
    expect(size, 'client_max_body_size is set').toBeDefined()
    const bytes = Number(size) * UNITS[unit!.toLowerCase()]!
    expect(bytes).toBeGreaterThan(Math.max(DEFAULT_CONFIG.limits.maxChatBodyBytes, DEFAULT_CONFIG.limits.maxBodyBytes))
  })
})
