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
import { chatRequest, createTestEngine } from '../support/engine-harness'
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
