/**
 * A Convex URL that is an http(s) URL but no deployment address passed the boot check: the HTTP
 * Actions address (`…convex.site`, shown beside the deployment URL) failed the engine's start with
 * the Convex client's own advice to set `skipConvexDeploymentUrlCheck`, naming no variable; one with
 * a path or query made the client open its WebSocket on `<path>/api/…/sync`, so the server booted
 * and every call was a 503 after its time limit. Both now stop the boot naming the variable and
 * the address to give; a trailing slash (which made the path `//api/…`) is dropped instead.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const convex = { provider: 'convex' as const, convexSecret: 's'.repeat(32), cookieSecret: 'c'.repeat(32) }
const problemsOf = (convexUrl: string) => configProblems(resolveConfig({ ...convex, convexUrl }))

describe('NUXT_BACKGROUND_JOBS_CONVEX_URL', () => {
  it('refuses the HTTP Actions address, naming the deployment URL to give', () => {
    expect(problemsOf('https://happy-otter-123.convex.site')).toEqual([
      'backgroundJobs.convexUrl (NUXT_BACKGROUND_JOBS_CONVEX_URL) is the deployment\'s HTTP Actions address (.convex.site): give its deployment URL, the same name on .convex.cloud (https://happy-otter-123.convex.cloud)',
    ])
  })

  it.each([
    'https://happy-otter-123.convex.cloud/api',
    'https://dashboard.convex.dev/d/happy-otter-123',
    'https://happy-otter-123.convex.cloud/?x=1',
    'https://happy-otter-123.convex.cloud/#top',
  ])('refuses %s, with a path, query or fragment, saying what to give', (url) => {
    expect(problemsOf(url)).toEqual([
      'backgroundJobs.convexUrl (NUXT_BACKGROUND_JOBS_CONVEX_URL) must be the deployment\'s address alone, with no path, query or #fragment (the client adds its own path to it): https://<deployment>.convex.cloud, or a self-hosted backend\'s http(s)://host[:port]',
    ])
  })

  it('reads a deployment URL with a trailing slash without it; takes a self-hosted address', () => {
    expect(resolveConfig({ ...convex, convexUrl: 'https://happy-otter-123.convex.cloud/ ' }).convexUrl).toBe('https://happy-otter-123.convex.cloud')
    expect(problemsOf('https://happy-otter-123.convex.cloud/')).toEqual([])
    expect(problemsOf('http://127.0.0.1:3210')).toEqual([])
    expect(problemsOf('https://convex.internal.example.com')).toEqual([])
  })
})
