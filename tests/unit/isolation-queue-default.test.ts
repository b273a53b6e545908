/**
 * One model round may ask for `limits.maxCallsPerStep` tool calls at once (20 by default), and every
 * one of them may be isolated. The pool runs `isolation.maxWorkers` and lets `isolation.maxQueue`
 * wait; one more ends at once "not run" (docs/tool-isolation.md). The defaults were 2 + 16 against 20: one
 * round of 20 isolated calls on an idle server had 2 of them refused. The defaults now hold a whole
 * round.
 */
import { expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'

it('the default pool holds a whole round of isolated calls: maxWorkers + maxQueue ≥ limits.maxCallsPerStep', () => {
  const { isolation, limits } = DEFAULT_CONFIG
  expect(isolation.maxWorkers + isolation.maxQueue).toBeGreaterThanOrEqual(limits.maxCallsPerStep)
})
