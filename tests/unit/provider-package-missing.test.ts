/**
 * A shared provider selected without its client package: the boot error names the setting that
 * selected it (`NUXT_BACKGROUND_JOBS_PROVIDER`), the package and both ways out, so the operator
 * who set the variable knows what asked for the package and what to do. A package that is
 * installed but fails to load is not called missing: its own error is shown.
 */
import { createRequire } from 'node:module'
import { describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { packageMissingMessage } from '../../server/lib/providers/package-missing'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { RedisPackageMissingError } from '../../server/lib/providers/redis-client'

// Stands for an app that selected the redis provider without installing `redis`: Node's own error.
vi.mock('redis', () => {
  throw Object.assign(new Error('Cannot find package \'redis\' imported from /app/.output/server/chunks/redis-client.mjs'), { code: 'ERR_MODULE_NOT_FOUND' })
})

/** Node's real error for a package that is not installed (CommonJS resolution). */
function notInstalled(): unknown {
  try {
    createRequire(import.meta.url)('no-such-package-for-this-test')
  }
  catch (error) {
    return error
  }
  throw new Error('resolved')
}

describe('a shared provider whose package is missing', () => {
  it('the redis boot error names the variable that selected it, the package and the fixes', async () => {
    const boot = createProviderFromConfig(resolveConfig({ provider: 'redis', redisUrl: 'redis://127.0.0.1:1', cookieSecret: 'c'.repeat(32) }))
    await expect(boot).rejects.toBeInstanceOf(RedisPackageMissingError)
    await expect(boot).rejects.toThrow('backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) is "redis", whose provider needs the `redis` package (node-redis), which is not installed: install it in the app (`npm install redis`) and build again, or set NUXT_BACKGROUND_JOBS_PROVIDER to another provider (memory runs on one instance).')
  })

  it('says "not installed" for Node\'s own resolution error, and the reason for a package that fails to load', () => {
    expect(packageMissingMessage('convex', 'convex', '', notInstalled())).toBe('backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) is "convex", whose provider needs the `convex` package, which is not installed: install it in the app (`npm install convex`) and build again, or set NUXT_BACKGROUND_JOBS_PROVIDER to another provider (memory runs on one instance).')
    const broken = new SyntaxError('The requested module \'@redis/client\' does not provide an export named \'RESP_TYPES\'\n    at ModuleJob._instantiate')
    expect(packageMissingMessage('redis', 'redis', 'node-redis', broken)).toBe('backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) is "redis", whose provider needs the `redis` package (node-redis), which could not be loaded (The requested module \'@redis/client\' does not provide an export named \'RESP_TYPES\'): reinstall it (`npm install redis`) and build again, or set NUXT_BACKGROUND_JOBS_PROVIDER to another provider.')
  })
})
