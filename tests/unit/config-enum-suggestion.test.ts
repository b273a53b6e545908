/**
 * A setting that takes one of a few words (`provider`, `recovery.chat`, `tools.errorMessages`)
 * named the words it takes, but not the one meant: `NUXT_BACKGROUND_JOBS_PROVIDER=Redis` (as the
 * product is spelt), `…_RECOVERY_CHAT=contine`, `…_TOOLS_ERROR_MESSAGES=tool_errors` each read
 * "must be one of …, got …", leaving the operator to spot a capital or a dash. The problem now says
 * which word it probably meant, as a misspelt key's does; a value far from every word gets none,
 * and a long one (it may be a secret in the wrong variable) is still not quoted.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const shared = { cookieSecret: 'x'.repeat(32), redisUrl: 'redis://127.0.0.1:6379' }

describe('a word setting given a near miss', () => {
  it.each([
    [{ provider: 'Redis' }, 'backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) must be one of memory, redis, convex, got "Redis" (did you mean "redis"?)'],
    [{ provider: 'reids' }, 'backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) must be one of memory, redis, convex, got "reids" (did you mean "redis"?)'],
    [{ recovery: { chat: 'contine' } }, 'backgroundJobs.recovery.chat (NUXT_BACKGROUND_JOBS_RECOVERY_CHAT) must be one of fail, continue, got "contine" (did you mean "continue"?)'],
    [{ tools: { errorMessages: 'tool_errors' } }, 'backgroundJobs.tools.errorMessages (NUXT_BACKGROUND_JOBS_TOOLS_ERROR_MESSAGES) must be one of tool-errors, all, got "tool_errors" (did you mean "tool-errors"?)'],
  ])('%j', (input, problem) => {
    expect(configProblems(resolveConfig({ ...shared, ...input } as never))).toEqual([problem])
  })

  it('no guess for a value far from every word, nor for a long one', () => {
    expect(configProblems(resolveConfig({ provider: 'postgres' } as never))).toEqual(['backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) must be one of memory, redis, convex, got "postgres"'])
    const [problem] = configProblems(resolveConfig({ provider: `redis${'x'.repeat(40)}` } as never))
    expect(problem).toBe('backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) must be one of memory, redis, convex, got a text of 45 characters')
  })
})
