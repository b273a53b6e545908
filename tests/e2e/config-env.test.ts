/**
 * An operator configures the built fixture app only through `NUXT_BACKGROUND_JOBS_*` variables
 * (no rebuild): a list separated by spaces takes effect, a misspelt variable is warned about at
 * boot by name (its value, maybe a secret, never printed), and an on/off word that is neither,
 * a `null`, or a JSON object in a number variable stops the boot naming the variable; a number in
 * double quotes is read. A JSON null in a group, an empty Redis key prefix and a raw `#` in a Redis
 * password stop the boot too, and a Redis URL set to `null` is named once.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startAppServer } from '../support/app-server'
import type { AppServer } from '../support/app-server'

const SECRET = 'sk-or-v1-do-not-print-this-0123456789'
const servers: AppServer[] = []

afterAll(async () => {
  for (const server of servers) await server.stop()
})

/** This run's build of the fixture app (the global setup's), configured by `env` only. */
async function start(env: Record<string, string>): Promise<AppServer> {
  const server = await startAppServer({ NUXT_BACKGROUND_JOBS_SCRIPTED_ENABLED: 'true', ...env })
  servers.push(server)
  return server
}

describe('configured by environment variables', () => {
  it('applies a space-separated list and warns about a misspelt variable by name only', async () => {
    const server = await start({
      NUXT_BACKGROUND_JOBS_TOOLS_DISABLED: 'fixture_hang fixture_spin',
      NUXT_BACKGROUND_JOBS_UPSTREAM_APIKEY: SECRET,
      NUXT_BACKGROUND_JOBS_WORKFLOWS_ENABLED: 'no',
      NUXT_BACKGROUND_JOBS_LIMITS: '{"maxStep":4}',
    })
    const catalog = await (await fetch(`${server.url}/api/jobs/catalog`)).json() as { tools: { name: string }[], workflows: unknown[] }
    const names = catalog.tools.map(tool => tool.name)
    expect(names).toContain('fixture_word_count')
    expect(names).not.toContain('fixture_hang')
    expect(names).not.toContain('fixture_spin')
    expect(catalog.workflows).toEqual([])
    expect(server.output()).toContain('NUXT_BACKGROUND_JOBS_UPSTREAM_APIKEY is not a setting and is ignored (did you mean NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY?)')
    expect(server.output()).toContain('backgroundJobs.limits.maxStep is not a setting (did you mean limits.maxSteps?)')
    expect(server.output()).not.toContain(SECRET)
  })

  it('refuses to boot on a variable Nitro reads as no value, or a JSON secret in a number variable, without printing it', async () => {
    const error = await start({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: 'null', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: JSON.stringify({ apiKey: SECRET }) }).then(() => null, (failure: Error) => failure)
    expect(error?.message).toContain('NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS is "null", which Nitro reads as no value')
    expect(error?.message).toContain('backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must be a number, got a JSON object')
    expect(error?.message).not.toContain(SECRET)
  })

  it('reads a number written in double quotes (docker run --env-file keeps them)', async () => {
    const server = await start({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_MESSAGES: '"7"' })
    const catalog = await (await fetch(`${server.url}/api/jobs/catalog`)).json() as { limits: { maxMessages: number } }
    expect(catalog.limits.maxMessages).toBe(7)
  })

  it('refuses to boot on a JSON null in a group, an empty Redis key prefix and a raw # in a Redis password, naming each variable', async () => {
    const error = await start({
      NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
      NUXT_BACKGROUND_JOBS_REDIS_URL: `redis://default:1234#${SECRET}@cache.internal:6379`,
      NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: '',
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'c'.repeat(32),
      NUXT_BACKGROUND_JOBS_LIMITS: '{"maxSteps":null}',
    }).then(() => null, (failure: Error) => failure)
    expect(error?.message).toContain('backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) is null in the JSON of NUXT_BACKGROUND_JOBS_LIMITS')
    expect(error?.message).toContain('backgroundJobs.redisKeyPrefix (NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX) is empty')
    expect(error?.message).toContain('backgroundJobs.redisUrl (NUXT_BACKGROUND_JOBS_REDIS_URL) has a user name or password holding a raw /, ? or #')
    expect(error?.message).not.toContain(SECRET)
  })

  it('names a Redis URL set to null once', async () => {
    const error = await start({ NUXT_BACKGROUND_JOBS_PROVIDER: 'redis', NUXT_BACKGROUND_JOBS_REDIS_URL: 'null', NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'c'.repeat(32) }).then(() => null, (failure: Error) => failure)
    // The problems as listed under "invalid configuration:" (the thrown error's `problems` are printed after it).
    expect(error?.message.match(/^ {2}- .*NUXT_BACKGROUND_JOBS_REDIS_URL.*$/gm)).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_REDIS_URL is "null", which Nitro reads as no value')])
  })

  it('refuses to boot on an on/off word that is neither, naming the variable', async () => {
    const error = await start({ NUXT_BACKGROUND_JOBS_TOOLS_ENABLED: 'flase' }).then(() => null, (failure: Error) => failure)
    expect(error?.message).toContain('backgroundJobs.tools.enabled (NUXT_BACKGROUND_JOBS_TOOLS_ENABLED) must be true or false')
  })
})
