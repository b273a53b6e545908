/**
 * With `telemetry.recordContent`, spans carry error messages — and observability.md promises that
 * secrets never reach a span, whatever the settings. A tool's or a workflow's error that quotes the
 * URL it called (`$fetch` puts the whole URL in its message: `?access_token=…`), a bearer header or
 * a connection string's password went to the tracing backend as written, where the same message
 * in a log line is redacted. Error messages on spans are redacted as log lines are now.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { JobFailure } from '../../server/lib/run-context'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

const SECRETS = ['TOOL-TOKEN-1', 'hunter2-db', 'eyJhbGciOi.JOB']

const fetchItems = defineTool({
  name: 'fetch_items',
  description: 'Reads items from an API',
  parameters: z.object({}),
  execute: () => {
    throw new Error('[GET] "https://api.example.com/v1/items?access_token=TOOL-TOKEN-1": 401 Unauthorized (postgres://app:hunter2-db@db.internal/items)')
  },
})

describe('error messages on spans, with telemetry.recordContent', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('are redacted like log lines: a tool\'s error and a job\'s failure', async () => {
    const telemetry = { recordContent: true, maxContentChars: 4_000 }
    const tools = createToolRegistry([fetchItems])
    const model = createStepModel([toolStep([{ id: 'call_a', name: 'fetch_items', args: {} }]), textStep('done')])
    // Every tool message shown (tools.errorMessages 'all'): what reaches the span is then the error's own, redacted.
    const chat = createTestEngine({ config: { telemetry, tools: { errorMessages: 'all' } }, runners: { chat: runChatJob }, model, tools })
    const { job } = await chat.engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await chat.engine.whenSettled(job.id)
    await chat.engine.dispose()
    const failing = createTestEngine({
      config: { telemetry },
      runners: { async chat() {
        throw new JobFailure('tool-failed', 'the CRM answered 401 to Authorization: Bearer eyJhbGciOi.JOB')
      } },
    })
    const failed = (await failing.engine.createJob('u1', { request: chatRequest })).job
    await failing.engine.whenSettled(failed.id)
    await failing.engine.dispose()
    const tool = tracing.named('background_jobs.tool_call')[0]!
    expect(String(tool.attributes['background_jobs.content.output'])).toContain('access_token=[redacted]')
    const jobs = tracing.named('background_jobs.job')
    expect(String(jobs[1]!.attributes['background_jobs.error.message'])).toContain('Authorization: [redacted]')
    // The error texts (the next round's prompt holds the tool's result as the model got it: content).
    const errorTexts = [tool.attributes['background_jobs.content.output'], ...tracing.spans().map(span => span.attributes['background_jobs.error.message']), ...tracing.spans().map(span => span.status.message)].join('\n')
    expect(SECRETS.filter(secret => errorTexts.includes(secret))).toEqual([])
  })
})
