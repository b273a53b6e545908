/**
 * `NUXT_BACKGROUND_JOBS_CONVEX_SECRET` read from a secret file (a Kubernetes secret, a Docker
 * secret) often ends with a newline. The deployment compares the secret exactly, so sent as read,
 * every call was refused with "the caller's secret is not this deployment's BACKGROUND_JOBS_SECRET"
 * although the two look the same. The API key and the metrics token are trimmed for the same
 * reason; the Convex secret is sent without the whitespace around it, and its length is checked so.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'

const created = vi.hoisted(() => [] as Array<{ secret?: string }>)
vi.mock('../../server/lib/providers/convex', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/lib/providers/convex')>()
  return {
    ...original,
    createConvexProvider: (options: { secret?: string }) => {
      created.push(options)
      return { name: 'convex', ready: async () => {} }
    },
  }
})
afterEach(() => {
  created.length = 0
})

const SECRET = 'f3c1a9d27b4e8f60c5d2a71b9e3f4c8d'
const convex = { provider: 'convex', convexUrl: 'https://happy-otter-123.convex.cloud', cookieSecret: 'c'.repeat(32) } as const

describe('the Convex secret with whitespace around it', () => {
  it('reaches the deployment without it', async () => {
    const config = resolveConfig({ ...convex, convexSecret: `${SECRET}\n` })
    expect(configProblems(config)).toEqual([])
    await createProviderFromConfig(config)
    expect(created.map(options => options.secret)).toEqual([SECRET])
  })

  it('is measured without it: 31 characters and a newline are too short', () => {
    const problems = configProblems(resolveConfig({ ...convex, convexSecret: `${SECRET.slice(1)}\n` }))
    expect(problems).toEqual([expect.stringMatching(/^backgroundJobs\.convexSecret \(NUXT_BACKGROUND_JOBS_CONVEX_SECRET\) is required with the provider "convex": at least 32 characters/)])
  })
})
