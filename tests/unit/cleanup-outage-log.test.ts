/**
 * A store outage does not flood the log (docs/logs.md): failures that repeat on a timer are
 * logged once per outage. The retention cleanup (every `limits.cleanupIntervalMs`) logged
 * `cleanup failed` with its error at every pass for as long as the store was down; it now logs
 * the first, then one line when a pass works again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../server/lib/logger'
import { chatRequest, createTestEngine } from '../support/engine-harness'

describe('retention cleanup during a store outage', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('logs its failure once, then once that it works again', async () => {
    const lines: Array<{ level: string, message: string, failures?: unknown }> = []
    const logger: Logger = {
      info: (message, fields) => lines.push({ level: 'info', message, ...(fields?.failures === undefined ? {} : { failures: fields.failures }) }),
      warn: message => lines.push({ level: 'warn', message }),
      error: message => lines.push({ level: 'error', message }),
    }
    let storeDown = true
    const { engine } = createTestEngine({
      config: { limits: { cleanupIntervalMs: 1_000 } },
      runners: { chat: async () => {} },
      logger,
      wrap: provider => ({
        ...provider,
        deleteExpired: async (...args) => {
          if (storeDown) throw new Error('the store is down')
          return await provider.deleteExpired(...args)
        },
      }),
    })
    await engine.createJob('u1', { request: chatRequest }) // starts the cleanup interval
    await vi.advanceTimersByTimeAsync(10_500) // ten passes fail
    storeDown = false
    await vi.advanceTimersByTimeAsync(2_000)
    const cleanupLines = lines.filter(line => /cleanup/.test(line.message))
    expect(cleanupLines.map(line => line.level)).toEqual(['error', 'info'])
    expect(cleanupLines[1]).toMatchObject({ failures: 10 })
    await engine.dispose()
  })
})
