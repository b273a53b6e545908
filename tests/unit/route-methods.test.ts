import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { appJobsRoutes } from '../../lib/app-routes'
import { JOBS_ROUTES, jobsRouteOf, layerRouteFor, setAppJobsRoutes, shadowedAppRoute } from '../../server/lib/http/route-methods'

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

describe('the app\'s own routes under /api/jobs (lib/app-routes.ts)', () => {
  afterEach(() => setAppJobsRoutes([]))

  it('leaves a method the app answers to it, at a name where the layer has a parameter or beside the layer\'s methods', () => {
    setAppJobsRoutes([
      { path: '/api/jobs/export', methods: ['POST'] },
      { path: '/api/jobs/:jobId', methods: ['PUT'] },
      { path: '/api/jobs/:id/share', methods: null },
    ])
    // The static name wins over the layer's `:id`, as in Nitro's router: the path is the app's.
    expect(layerRouteFor('/api/jobs/export', 'POST')).toBeNull()
    expect(layerRouteFor('/api/jobs/export', 'OPTIONS')).toBeNull()
    expect(jobsRouteOf('/api/jobs/export')).toBeNull()
    // A method beside the layer's, whatever the app named its parameter.
    expect(layerRouteFor('/api/jobs/j-1', 'PUT')).toBeNull()
    expect(layerRouteFor('/api/jobs/j-1', 'GET')).toEqual({ path: '/api/jobs/:id', methods: ['GET', 'HEAD', 'DELETE'], allMethods: ['GET', 'HEAD', 'DELETE', 'PUT'] })
    expect(layerRouteFor('/api/jobs/j-1', 'PATCH')?.allMethods).toEqual(['GET', 'HEAD', 'DELETE', 'PUT'])
    expect(layerRouteFor('/api/jobs/j-1/share', 'DELETE')).toBeNull()
    // The layer's other routes are as before.
    expect(layerRouteFor('/api/jobs/catalog', 'POST')).toEqual({ path: '/api/jobs/catalog', methods: ['GET', 'HEAD'], allMethods: ['GET', 'HEAD'] })
    expect(layerRouteFor('/api/jobs/j-1/stream', 'GET')?.path).toBe('/api/jobs/:id/stream')
  })

  it('a method the app\'s own path lacks is the app\'s 405 where the router would hand it to the layer\'s route, else left to the router', () => {
    setAppJobsRoutes([
      { path: '/api/jobs/export', methods: ['POST'] },
      { path: '/api/jobs/:id', methods: ['PUT'] },
      { path: '/api/jobs/:id/share', methods: ['POST'] },
    ])
    // GET and HEAD would reach the layer's /api/jobs/:id.
    expect(shadowedAppRoute('/api/jobs/export', 'GET')).toEqual({ path: '/api/jobs/export', methods: ['POST'] })
    expect(shadowedAppRoute('/api/jobs/export', 'head')).toEqual({ path: '/api/jobs/export', methods: ['POST'] })
    // Its own method; a method the app's own /api/jobs/:id takes; one no route takes (OPTIONS: jobs-cors.ts).
    for (const method of ['POST', 'PUT', 'PATCH', 'OPTIONS']) expect(shadowedAppRoute('/api/jobs/export', method), method).toBeNull()
    // No route of the layer's matches there; the layer's own paths are not the app's.
    expect(shadowedAppRoute('/api/jobs/j-1/share', 'GET')).toBeNull()
    expect(shadowedAppRoute('/api/jobs/j-1', 'PATCH')).toBeNull()
    expect(shadowedAppRoute('/api/jobs/catalog', 'POST')).toBeNull()
  })

  it('a catch-all of the app\'s comes after every route of the layer', () => {
    setAppJobsRoutes([{ path: '/api/jobs/**:rest', methods: null }])
    expect(layerRouteFor('/api/jobs/j-1', 'PUT')?.path).toBe('/api/jobs/:id')
    expect(layerRouteFor('/api/jobs/j-1/x/y', 'PUT')).toBeNull()
  })
})

describe('appJobsRoutes: the routes the build lists as the app\'s', () => {
  const layerApi = fileURLToPath(new URL('../../server/api/jobs', import.meta.url))

  it('takes the handlers under /api/jobs that are not the layer\'s files, with their methods', () => {
    expect(appJobsRoutes([
      { route: '/api/jobs/:id', method: 'get', handler: join(layerApi, '[id]/index.get.ts') },
      { route: '/api/jobs/export', method: 'post', handler: '/app/server/api/jobs/export.post.ts' },
      { route: '/api/jobs/export', method: 'get', handler: '/app/server/api/jobs/export.get.ts' },
      { route: '/api/jobs/:id/share', handler: '/app/server/api/jobs/[id]/share.ts' },
      { route: '/api/jobsx', method: 'get', handler: '/app/server/api/jobsx.get.ts' },
      { route: '/api/other', method: 'get', handler: '/app/server/api/other.get.ts' },
      { middleware: true, handler: '/app/server/middleware/auth.ts' },
      { route: '/**', handler: '/nuxt/renderer.mjs' },
    ], layerApi)).toEqual([
      { path: '/api/jobs/export', methods: ['POST', 'GET'] },
      { path: '/api/jobs/:id/share', methods: null },
    ])
  })
})
