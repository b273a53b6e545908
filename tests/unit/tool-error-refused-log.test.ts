/**
 * A `ToolError` is the tool's deliberate "cannot do that", written for the model — not a fault.
 * It was logged like one (`tool "x" failed; …`, warn, with the error object, and folded into the
 * tool's failure count lines) and counted `tool_runs_total{status="error"}`, so an operator's
 * alert on tool failures fired for a city the user misspelt. Now it is one `info` line with its
 * text (no error object), never in the failure count lines, and counted under `status="refused"`
 * (a bounded label value; timed in `tool_run_ms` under it too). A plain throw is unchanged.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { isToolRefusal } from '../../server/lib/executor/tool-failure-lines'
import { ToolExecutionError } from '../../server/lib/executor/tool-errors'
import { deserializeError, serializeError } from '../../server/lib/isolation/protocol'
import { useMetrics } from '../../server/lib/metrics'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool, ToolError } from '../../server/utils/define-tool'
import { counterGrowth } from '../support/counter-growth'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const findCity = defineTool({
  name: 'find_city',
  description: 'Finds a city',
  parameters: z.object({ city: z.string().refine((city) => {
    if (city === 'Mordor') throw new ToolError('Mordor is fictional; ask for a real city')
    return true
  }) }),
  execute: ({ city }) => {
    if (city === 'Atlantis') throw new ToolError('City "Atlantis" not found; ask the user which city they mean')
    if (city === 'Down') throw new Error('connect ECONNREFUSED 10.0.0.7:5432')
    return { city }
  },
})

describe('a ToolError the tool threw', () => {
  it('is an info line with its text, not a failure: counted refused, never in the failure count lines', async () => {
    const { logger, lines } = recordingLogger()
    const calls = [{ id: 'c1', name: 'find_city', args: { city: 'Atlantis' } }, { id: 'c2', name: 'find_city', args: { city: 'Mordor' } }, { id: 'c3', name: 'find_city', args: { city: 'Down' } }]
    const model = createStepModel([toolStep(calls), textStep('Which city?')])
    const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model, tools: createToolRegistry([findCity]) })
    let jobId = ''
    const grown = await counterGrowth(async () => {
      const { job } = await engine.createJob('u1', { request: chatRequest })
      jobId = job.id
      await engine.whenSettled(job.id)
    })
    await engine.dispose()
    // The calls of a round run in parallel: their lines in call order.
    const toolLines = lines.filter(line => line.message.startsWith('tool "find_city"') || line.message.startsWith('a tool\'s parameters schema'))
      .sort((a, b) => String(a.fields?.callId).localeCompare(String(b.fields?.callId)))
    expect(toolLines).toEqual([
      { level: 'info', message: 'tool "find_city" refused the call with a ToolError; the model got its message', fields: { tool: 'find_city', jobId, callId: 'c1', toolError: 'City "Atlantis" not found; ask the user which city they mean' } },
      { level: 'info', message: 'tool "find_city" refused the call with a ToolError; the model got its message', fields: { tool: 'find_city', jobId, callId: 'c2', toolError: 'Mordor is fictional; ask for a real city' } },
      // The fault is the first failure of its tool: logged whole, not counted after the refusals.
      { level: 'warn', message: 'tool "find_city" failed; the model got the error as its result', fields: expect.objectContaining({ callId: 'c3', error: expect.objectContaining({ message: 'connect ECONNREFUSED 10.0.0.7:5432' }) }) },
    ])
    expect(grown).toMatchObject({ 'tool_runs_total{status="refused",tool="find_city"}': 2, 'tool_runs_total{status="error",tool="find_city"}': 1 })
    const timed = useMetrics().snapshot().histograms
    expect(Object.keys(timed).some(key => key.startsWith('tool_run_ms') && key.includes('refused') && key.includes('find_city'))).toBe(true)
  })

  it('is told apart across an isolation worker too (the error crosses as data and stays a ToolError)', () => {
    const crossed = deserializeError(serializeError(new ToolError('City not found')))
    expect(isToolRefusal(new ToolExecutionError('find_city', crossed))).toBe(true)
    expect(isToolRefusal(new ToolExecutionError('find_city', deserializeError(serializeError(new Error('down')))))).toBe(false)
  })
})
