/**
 * reverse-proxy.md's nginx snippet is a `location` for the layer's routes. It was
 * `location /api/jobs/`, a prefix that `/api/jobs` itself does not start with — the route of
 * `POST /api/jobs` (every job creation), `GET /api/jobs` (the list) and `DELETE /api/jobs?threadId=`
 * — so those went to whatever other location the site has, without the snippet's headers: no
 * `X-Forwarded-For` (every anonymous creation counted as the proxy's address, one window for all),
 * no `X-Forwarded-Proto` (no `Secure` cookie), no `X-Forwarded-Host`, or a 404 where no other location
 * proxies. The prefix now takes every route of the layer (nginx matches a plain prefix by `startsWith`).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const docs = readFileSync(new URL('../../docs/reverse-proxy.md', import.meta.url), 'utf8')

/** Every route path of the layer, as a request names it. */
const ROUTES = ['/api/jobs', '/api/jobs/catalog', '/api/jobs/chat', '/api/jobs/chat/c1/stream', '/api/jobs/j1/stream', '/api/jobs/notifications', '/api/jobs/threads', '/api/jobs/metrics']

describe('the nginx location in reverse-proxy.md', () => {
  it('is a plain prefix that every route of the layer starts with, /api/jobs itself included', () => {
    const [, modifier, prefix] = /location\s+(\^~\s+)?(\/\S*)\s*\{/.exec(docs) ?? []
    expect(prefix, 'a prefix location').toBeDefined()
    expect(modifier ?? '').toMatch(/^(\^~\s+)?$/)
    expect(ROUTES.filter(route => !route.startsWith(prefix!))).toEqual([])
  })
})
