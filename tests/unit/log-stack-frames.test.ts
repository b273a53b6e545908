/**
 * A `stack` field in a log line keeps its first `MAX_LOG_STACK_FRAMES` frames: a hook that threw a
 * serialized error (`{ name, message, stack }`) with a raised `Error.stackTraceLimit` wrote every
 * one of its hundreds of frames.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { callAppHook } from '../../server/lib/app-hook'
import { MAX_LOG_STACK_FRAMES } from '../../server/lib/log-stack-cut'
import { createConsoleLogger } from '../../server/lib/logger'
import { createTimerSet } from '../../server/lib/timers'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The one line `log` writes with `console.error`, parsed. */
async function errorLine(log: (logger: ReturnType<typeof createConsoleLogger>) => unknown): Promise<Record<string, any>> {
  const error = vi.spyOn(console, 'error').mockImplementation(() => {})
  await log(createConsoleLogger())
  expect(error).toHaveBeenCalledTimes(1)
  return JSON.parse(error.mock.calls[0]![0] as string)
}

function stackOf(frames: number): string {
  return ['Error: row lock timeout', ...Array.from({ length: frames }, (_, index) => `    at f${index} (/app/db.js:${index}:1)`)].join('\n')
}

describe('a stack in a log line', () => {
  it('keeps the first frames of a hook\'s serialized error, saying how many lines were cut', async () => {
    const line = await errorLine(logger => callAppHook('jobCreated', () => {
      throw { name: 'Error', message: 'row lock timeout', stack: stackOf(200) }
    }, { logger, timers: createTimerSet(), jobId: 'job-1' }))
    expect(line.error.message).toBe('row lock timeout')
    const lines = (line.error.stack as string).split('\n')
    expect(lines.filter(text => text.trim().startsWith('at '))).toHaveLength(MAX_LOG_STACK_FRAMES)
    expect(lines[MAX_LOG_STACK_FRAMES]).toBe('    at f9 (/app/db.js:9:1)')
    expect(lines.at(-1)).toBe('    … [190 more lines cut]')
  })

  it('cuts a nested stack (a cause\'s) too, after redacting it', async () => {
    const stack = stackOf(50).replace('at f1 ', 'at f1 redis://u:hunter2@cache:6379 ')
    const line = await errorLine(logger => logger.error('hook failed', { error: new Error('outer', { cause: { message: 'inner', stack } }) }))
    expect(line.error.cause.stack).toContain('redis://u:[redacted]@cache')
    expect(line.error.cause.stack).toMatch(/\[40 more lines cut\]$/)
  })

  it('leaves a short stack, and frames in a field not named stack, as they are', async () => {
    const line = await errorLine(logger => logger.error('hook failed', { error: { stack: stackOf(MAX_LOG_STACK_FRAMES) }, detail: stackOf(50) }))
    expect(line.error.stack).toBe(stackOf(MAX_LOG_STACK_FRAMES))
    expect(line.detail).toBe(stackOf(50))
  })
})
