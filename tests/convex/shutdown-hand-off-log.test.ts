/**
 * A deploy hands every running job off (docs/restarts-and-upgrades.md › Graceful shutdown): that is the expected
 * path, so its log lines are info — a run stopped because another instance took its lease is
 * still a warning.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import type { Logger } from '../../server/lib/logger'
import { wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, recovery: { chat: 'continue' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

const endless: JobRunners['chat'] = async (context) => {
  for (;;) {
    context.text('word ')
    await wait(100, context.signal)
  }
}

function recordingLogger() {
  const lines: Array<{ level: string, message: string }> = []
  const logger: Logger = {
    info: message => lines.push({ level: 'info', message }),
    warn: message => lines.push({ level: 'warn', message }),
    error: message => lines.push({ level: 'error', message }),
  }
  return { logger, lines }
}

describe('the log of a hand-off at shutdown', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is info, one line per job, and nothing is logged as a warning', async () => {
    const { logger, lines } = recordingLogger()
    const node = createEngineNode(createBackend(), { instanceId: 'A', config, chat: endless, logger })
    for (let index = 0; index < 2; index++) await node.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(300)
    await node.engine.dispose()
    const handOffs = lines.filter(line => line.message.includes('handed off at shutdown'))
    expect(handOffs).toEqual([
      { level: 'info', message: 'stopping the local run without writing its end: handed off at shutdown' },
      { level: 'info', message: 'stopping the local run without writing its end: handed off at shutdown' },
    ])
    expect(lines.filter(line => line.level !== 'info')).toEqual([])
  })
})
