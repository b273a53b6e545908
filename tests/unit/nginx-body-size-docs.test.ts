/**
 * The nginx settings the docs give (docs/reverse-proxy.md's snippet, the deployment example's
 * docs/examples/redis/nginx.conf) let through every body the layer takes by default: a body past
 * `client_max_body_size` (1 MB unless set) gets nginx's own HTML 413, before the app could answer its
 * 413 naming the limit — and an AI SDK chat that the docs say goes on up to
 * `limits.maxChatBodyBytes` (4 MiB) would stop at nginx's 1 MB, its error an HTML page. The
 * snippet in reverse-proxy.md, the one operators copy, set none.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'

const UNITS: Record<string, number> = { '': 1, 'k': 1024, 'm': 1024 ** 2, 'g': 1024 ** 3 }

describe('nginx body size in the docs', () => {
  it.each(['docs/reverse-proxy.md', 'docs/examples/redis/nginx.conf'])('%s takes bodies larger than the layer\'s default body limits, so the app answers its own 413', (file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
    const [, size, unit] = /client_max_body_size\s+(\d+)([kmg]?)\s*;/i.exec(text) ?? []
    expect(size, 'client_max_body_size is set').toBeDefined()
    const bytes = Number(size) * UNITS[unit!.toLowerCase()]!
    expect(bytes).toBeGreaterThan(Math.max(DEFAULT_CONFIG.limits.maxChatBodyBytes, DEFAULT_CONFIG.limits.maxBodyBytes))
  })
})
