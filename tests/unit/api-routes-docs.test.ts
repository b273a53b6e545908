/**
 * docs/api.md's route table has a row for every route file under server/api (HEAD excepted: every
 * GET route answers it, as the page says once — checked too: Nitro matches a `.get.ts` for GET only,
 * so a GET route without its `.head.ts` would not answer HEAD), and no row for a route that does not exist: a
 * client developer reads the API from that table.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const API_DIR = fileURLToPath(new URL('../../server/api', import.meta.url))

/** `GET /api/jobs/:id/stream` for server/api/jobs/[id]/stream.get.ts. */
function routesOnDisk(dir = API_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return routesOnDisk(path)
    const match = /^(.*)\.(get|head|post|delete|put|patch)\.ts$/.exec(relative(API_DIR, path))
    if (!match) return []
    const route = `/api/${match[1]!.replace(/\[(\w+)\]/g, ':$1')}`.replace(/\/index$/, '')
    return [`${match[2]!.toUpperCase()} ${route}`]
  })
}

/** The first cell of each row, without its query string. */
function routesDocumented(): string[] {
  const text = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
  return [...text.matchAll(/^\| `(GET|POST|DELETE|PUT|PATCH) ([^`?]+)[^`]*` \|/gm)].map(([, method, path]) => `${method} ${path}`)
}

describe('api.md\'s route table', () => {
  it('has one row per route', () => {
    expect(routesDocumented().sort()).toEqual(routesOnDisk().filter(route => !route.startsWith('HEAD ')).sort())
  })

  it('is right that every route answering GET answers HEAD, and no other does', () => {
    const routes = routesOnDisk()
    const paths = (method: string) => routes.filter(route => route.startsWith(`${method} `)).map(route => route.slice(method.length + 1)).sort()
    expect(readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')).toContain('Every route that answers `GET` answers `HEAD`')
    expect(paths('HEAD')).toEqual(paths('GET'))
  })
})
