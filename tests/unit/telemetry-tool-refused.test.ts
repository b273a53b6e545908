/**
 * A `ToolError` is the tool's deliberate "cannot do that" (counted `refused`, logged at info), not
 * a fault — yet its `background_jobs.tool_call` span had status ERROR (`tool-error`), so a trace
 * backend's error views and error-rate alerts counted a city the user misspelt as a server error.
 * The span now stays UNSET with `background_jobs.tool.refused = true` (and no `error.type`); with
 * `recordContent` its text is the span's output, redacted as the log line is. A fault is unchanged.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool, ToolError } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'

const findCity = defineTool({
  name: 'find_city',
  description: 'Finds a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    if (city === 'Atlantis') throw new ToolError('City "Atlantis" not found at https://geo.example.com/find?token=GEO-TOKEN-1')
    if (city === 'Down') throw new Error('connect ECONNREFUSED 10.0.0.7:5432')
    return { city }
  },
})

describe('the span of a call the tool refused with a ToolError', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  async function run(recordContent: boolean) {
    const calls = [{ id: 'c1', name: 'find_city', args: { city: 'Atlantis' } }, { id: 'c2', name: 'find_city', args: { city: 'Down' } }]
    const model = createStepModel([toolStep(calls), textStep('Which city?')])
    const { engine } = createTestEngine({ config: { telemetry: { recordContent, maxContentChars: 4_000 } }, runners: { chat: runChatJob }, model, tools: createToolRegistry([findCity]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    await engine.dispose()
    const spans = Object.fromEntries(tracing.named('background_jobs.tool_call').map(span => [span.attributes['gen_ai.tool.call.id'], span]))
    return { refused: spans.c1!, fault: spans.c2! }
  }

  it('is not an error: UNSET, `.tool.refused` and no error.type; a fault stays ERROR', async () => {
    const { refused, fault } = await run(false)
    expect(refused.status.code).toBe(SpanStatusCode.UNSET)
    expect(refused.attributes).toMatchObject({ 'background_jobs.tool.status': 'error', 'background_jobs.tool.refused': true })
    expect(refused.attributes['error.type']).toBeUndefined()
    // Content is off: the refusal's text is not on the span.
    expect(refused.attributes['background_jobs.content.output']).toBeUndefined()
    expect(fault.status).toEqual({ code: SpanStatusCode.ERROR, message: 'tool-error' })
    expect(fault.attributes).toMatchObject({ 'background_jobs.tool.refused': false, 'error.type': 'tool-error' })
  })

  it('carries its text, redacted as the log line is, with telemetry.recordContent', async () => {
    const { refused } = await run(true)
    expect(refused.status.code).toBe(SpanStatusCode.UNSET)
    const output = String(refused.attributes['background_jobs.content.output'])
    expect(output).toContain('City "Atlantis" not found')
    expect(output).not.toContain('GEO-TOKEN-1')
  })
})
