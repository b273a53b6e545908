import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { JOBS_ROUTES, jobsRouteOf } from '../../server/lib/http/route-methods'

const API_DIR = fileURLToPath(new URL('../../server/api/jobs', import.meta.url))

/** The routes the files under server/api/jobs define: path (with :params) → methods. */
function routesFromFiles(): Map<string, string[]> {
  const routes = new Map<string, string[]>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) {
        walk(full)
        continue
      }
      const match = /^(.+)\.(get|head|post|put|patch|delete)\.ts$/.exec(entry.name)
      if (!match) continue
      const segments = relative(API_DIR, join(dir, match[1]!)).split(/[\\/]/).filter(segment => segment !== 'index').map(segment => segment.replace(/^\[(\w+)\]$/, ':$1'))
      const path = ['/api/jobs', ...segments].join('/').replace(/\/$/, '')
      routes.set(path, [...(routes.get(path) ?? []), match[2]!.toUpperCase()].sort())
    }
  }
  walk(API_DIR)
  return routes
}

describe('the methods of the layer\'s routes', () => {
  it('lists exactly the routes and methods the files under server/api/jobs define', () => {
    const listed = new Map(JOBS_ROUTES.map(route => [route.path, [...route.methods].sort()]))
    expect(listed).toEqual(routesFromFiles())
  })

  it('every route that answers GET answers HEAD (its own name.head.ts: Nitro 2 routes a .get.ts handler for GET only)', () => {
    for (const [path, methods] of routesFromFiles()) {
      if (methods.includes('GET')) expect(methods, path).toContain('HEAD')
    }
  })

  it('finds a path\'s route, static names before parameters', () => {
    expect(jobsRouteOf('/api/jobs')?.methods).toEqual(['GET', 'HEAD', 'POST', 'DELETE'])
    expect(jobsRouteOf('/api/jobs/catalog')?.path).toBe('/api/jobs/catalog')
    expect(jobsRouteOf('/api/jobs/threads')?.path).toBe('/api/jobs/threads')
    expect(jobsRouteOf('/api/jobs/chat')?.path).toBe('/api/jobs/chat')
    expect(jobsRouteOf('/api/jobs/5b0f-1/stream')?.path).toBe('/api/jobs/:id/stream')
    expect(jobsRouteOf('/api/jobs/chat/c-1/messages')?.path).toBe('/api/jobs/chat/:chatId/messages')
    expect(jobsRouteOf('/api/jobs/5b0f-1/unknown')).toBeNull()
    expect(jobsRouteOf('/api/jobsx')).toBeNull()
  })
})
