/**
 * No log storm from a store outage (docs/logs.md): each running job logs its failing writes
 * and its failing lease heartbeats once per outage — the first failure, then one line when it works
 * again — not once per retry or beat, and every line names the job.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { JobRun } from '../../server/lib/job-run'
import type { Logger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobProvider } from '../../server/lib/providers/types'
import type { SharedProvider } from '../../server/lib/run-lease'
import { holdLease } from '../../server/lib/run-lease'
import { createTimerSet } from '../../server/lib/timers'
import { chatRequest, unusedModel, wait } from '../support/engine-harness'

interface Line { level: string, message: string, fields: Record<string, unknown> }

function recordingLogger() {
  const lines: Line[] = []
  const write = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields })
  const logger: Logger = { info: write('info'), warn: write('warn'), error: write('error') }
  return { logger, lines }
}

describe('log lines during a store outage', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a job whose writes fail for a minute logs one failure and one recovery, both naming the job', async () => {
    const inner = createMemoryProvider()
    const outage = { down: false, attempts: 0 }
    const provider: JobProvider = Object.assign(Object.create(inner) as JobProvider, {
      async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
        if (outage.down) {
          outage.attempts++
          throw new Error('store unreachable')
        }
        return await inner.appendEvents(...args)
      },
    })
    const { logger, lines } = recordingLogger()
    const config = resolveConfig({ scripted: { enabled: true } })
    const engine = createEngine({
      provider,
      logger,
      getConfig: () => config,
      createModelClient: () => unusedModel,
      runners: {
        async chat(context) {
          for (let index = 0; index < 70; index++) {
            context.text('x')
            await wait(1_000, context.signal)
          }
        },
      },
      tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
      workflows: { get: () => undefined, list: () => [] },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    outage.down = true
    await vi.advanceTimersByTimeAsync(60_000)
    expect(outage.attempts).toBeGreaterThan(10)
    outage.down = false
    await vi.advanceTimersByTimeAsync(20_000)
    await engine.whenSettled(job.id)
    expect((await provider.getState(job.id))!.status).toBe('completed')

    const writeLines = lines.filter(line => line.message.startsWith('provider write'))
    expect(writeLines.map(line => [line.level, line.message])).toEqual([
      ['error', 'provider write failed; will retry (not logged again until a write succeeds)'],
      ['info', 'provider write succeeded again'],
    ])
    expect(writeLines[1]!.fields.failures).toBe(outage.attempts)
    for (const line of lines) expect(line.fields.jobId, line.message).toBe(job.id)
    await engine.dispose()
  })

  it('a lease heartbeat that fails at every beat logs once, and once more when it works again', async () => {
    const timers = createTimerSet()
    const run = {
      record: { id: 'job-1', userId: 'user-1' },
      timers,
      live: { ended: false, ending: false, peek: () => ({ status: 'running' }) },
      controller: new AbortController(),
      config: { lease: { durationMs: 15_000, heartbeatMs: 1_000 } },
    } as unknown as JobRun
    let down = true
    const provider = {
      subscribeControls: () => () => {},
      heartbeatLease: async () => {
        if (down) throw new Error('store unreachable')
        return true
      },
    } as unknown as SharedProvider
    const { logger, lines } = recordingLogger()
    const { release } = holdLease(run, { instanceId: 'a', epoch: 1, expiresAt: 0 }, { provider, logger, onControl: async () => ({ ok: true }), onLost: () => {} })
    await vi.advanceTimersByTimeAsync(60_000)
    down = false
    await vi.advanceTimersByTimeAsync(5_000)
    expect(lines.map(line => [line.level, line.message, line.fields.jobId])).toEqual([
      ['warn', 'lease heartbeat failed (not logged again until a heartbeat succeeds)', 'job-1'],
      ['info', 'lease heartbeat succeeded again', 'job-1'],
    ])
    expect(lines[1]!.fields.failures).toBe(60)
    release()
    timers.clearAll()
  })
})
