import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { ConvexPackageMissingError } from '../../server/lib/providers/convex-facade'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'

// Stands for an app that selected the convex provider without installing the `convex` package.
vi.mock('convex/browser', () => {
  throw new Error('Cannot find package \'convex\'')
})

describe('creating the convex provider from config', () => {
  it('fails at boot naming the variable when the deployment URL is missing', async () => {
    await expect(createProviderFromConfig({ ...DEFAULT_CONFIG, provider: 'convex', convexUrl: '' }))
      .rejects.toThrow(/NUXT_BACKGROUND_JOBS_CONVEX_URL/)
  })

  it('fails at boot naming the variable when the secret is missing or too short', async () => {
    const convex = { ...DEFAULT_CONFIG, provider: 'convex' as const, convexUrl: 'https://example.convex.cloud' }
    await expect(createProviderFromConfig({ ...convex, convexSecret: '' })).rejects.toThrow(/NUXT_BACKGROUND_JOBS_CONVEX_SECRET/)
    await expect(createProviderFromConfig({ ...convex, convexSecret: 'short' })).rejects.toThrow(/NUXT_BACKGROUND_JOBS_CONVEX_SECRET needs at least 32 characters/)
  })

  it('fails at boot naming the package when `convex` is not installed', async () => {
    const boot = createProviderFromConfig({ ...DEFAULT_CONFIG, provider: 'convex', convexUrl: 'https://example.convex.cloud', convexSecret: 's'.repeat(32) })
    await expect(boot).rejects.toBeInstanceOf(ConvexPackageMissingError)
    await expect(boot).rejects.toThrow('npm install convex')
  })
})
