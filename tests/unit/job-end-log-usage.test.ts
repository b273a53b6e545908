/**
 * "Which job spent these tokens, and how many rounds did it take?" The `job ended` line named the
 * job and how it ended, but not what it spent: an operator could not find the jobs behind a token
 * bill from the logs. It has the job's rounds, tool calls and `usage` now (the job's `job-end`
 * metrics) — under a field name the redaction keeps: a `tokens` field would be `[redacted]`, like
 * every field named like a secret.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createConsoleLogger } from '../../server/lib/logger'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep } from '../support/step-model'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('the job ended line', () => {
  it('has the job\'s rounds, tool calls and token usage, as written to the console', async () => {
    const written: string[] = []
    vi.spyOn(console, 'info').mockImplementation((line: string) => void written.push(line))
    const model = createStepModel([textStep('hello', { prompt: 120, completion: 30, total: 150 })])
    const { engine } = createTestEngine({ logger: createConsoleLogger(), runners: { chat: runChatJob }, model })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    await engine.dispose()
    const ended = written.map(line => JSON.parse(line) as Record<string, unknown>).find(line => line.message === 'job ended')
    expect(ended).toMatchObject({ jobId: job.id, status: 'completed', rounds: 1, toolCalls: 0, usage: { prompt: 120, completion: 30, total: 150 } })
  })
})

describe('the job ended line says how long the job took', () => {
  it('its duration, its time to first token and its tools\' time, the job-end metrics (which job is slow: metrics have no job id)', async () => {
    vi.useFakeTimers()
    try {
      const { logger, lines } = recordingLogger()
      // Through the console logger too: its redaction hides a field named like a token.
      const written: string[] = []
      vi.spyOn(console, 'info').mockImplementation((line: string) => void written.push(line))
      const consoleLogger = createConsoleLogger()
      const { engine } = createTestEngine({
        logger: { info: (message, fields) => { logger.info(message, fields); consoleLogger.info(message, fields) }, warn: logger.warn, error: logger.error },
        runners: {
          chat: async (context) => {
            await wait(250, context.signal)
            context.text('late')
            await wait(1_000, context.signal)
          },
        },
      })
      const { job } = await engine.createJob('u1', { request: chatRequest })
      await vi.advanceTimersByTimeAsync(1_300)
      await engine.whenSettled(job.id)
      const { state } = await engine.getJob('u1', job.id)
      const ended = lines.find(line => line.message === 'job ended')!.fields
      expect(ended).toMatchObject({ durationMs: state.metrics!.duration_ms, firstOutputMs: 250 })
      const line = written.map(text => JSON.parse(text) as Record<string, unknown>).find(entry => entry.message === 'job ended')
      expect(line).toMatchObject({ durationMs: state.metrics!.duration_ms, firstOutputMs: 250 })
      expect(ended!.durationMs).toBeGreaterThanOrEqual(1_250)
      // No tool was called: no tool time.
      expect(ended).not.toHaveProperty('toolTimeMs')
      await engine.dispose()
    }
    finally {
      vi.useRealTimers()
    }
  })
})
