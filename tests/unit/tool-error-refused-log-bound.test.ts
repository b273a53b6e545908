/**
 * A tool's `ToolError` is logged at info (`tool "x" refused the call with a ToolError; …`), and that
 * line was not limited: a model looping on a refusing tool — asking again and again for a city
 * that does not exist — wrote one line per call, as a failing tool's warnings once did. Now it is
 * limited as those are (repeated-failure-log.ts): the first refusal of a tool and kind (its text,
 * numbers folded) is logged whole, the next ones within a minute are counted, and one `info` line
 * then gives their number, the jobs and the last text (`toolError`, no error object); at shutdown,
 * what was counted so far. A refusal of another text is logged whole on its own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { HOOK_FAILURE_WINDOW_MS } from '../../server/lib/hook-failure-log'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool, ToolError } from '../../server/utils/define-tool'
import { createTestEngine, runChatJobsInTurn } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const findCity = defineTool({
  name: 'find_city',
  description: 'Finds a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    if (city === 'Mordor') throw new ToolError('Mordor is fictional; ask for a real city')
    throw new ToolError(`City "${city}" not found; ask the user which city they mean`)
  },
})

const LINE = 'tool "find_city" refused the call with a ToolError; the model got its message'

describe('a tool that refuses call after call with a ToolError', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function engineWithRefusingTool(jobs: number) {
    const { logger, lines } = recordingLogger()
    // Each job: the model asks three times for an Atlantis (one kind of text: its numbers fold), then once for Mordor, then gives up.
    const steps = Array.from({ length: jobs }, () => [
      toolStep([{ id: 'call_1', name: 'find_city', args: { city: 'Atlantis 1' } }]),
      toolStep([{ id: 'call_2', name: 'find_city', args: { city: 'Atlantis 2' } }]),
      toolStep([{ id: 'call_3', name: 'find_city', args: { city: 'Atlantis 3' } }]),
      toolStep([{ id: 'call_4', name: 'find_city', args: { city: 'Mordor' } }]),
      textStep('Which city?'),
    ]).flat()
    const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model: createStepModel(steps), tools: createToolRegistry([findCity]) })
    const refusals = () => lines.filter(line => line.message.startsWith('tool "find_city" refused'))
    return { engine, refusals }
  }

  it('is logged once per text, then counted in one info line a minute later naming the jobs', async () => {
    const { engine, refusals } = engineWithRefusingTool(4)
    const ids = await runChatJobsInTurn(engine, 3)
    expect(refusals()).toEqual([
      { level: 'info', message: LINE, fields: { tool: 'find_city', jobId: ids[0], callId: 'call_1', toolError: 'City "Atlantis 1" not found; ask the user which city they mean' } },
      { level: 'info', message: LINE, fields: { tool: 'find_city', jobId: ids[0], callId: 'call_4', toolError: 'Mordor is fictional; ask for a real city' } },
    ])
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    expect(refusals().slice(2)).toEqual([
      {
        level: 'info',
        message: 'tool "find_city" refused 8 more calls with a ToolError after the refusal logged before; the model got each message (not logged one by one; the last message is shown)',
        fields: { tool: 'find_city', failures: 8, jobIds: ids, toolError: 'City "Atlantis 3" not found; ask the user which city they mean' },
      },
      {
        level: 'info',
        message: 'tool "find_city" refused 2 more calls with a ToolError after the refusal logged before; the model got each message (not logged one by one; the last message is shown)',
        fields: { tool: 'find_city', failures: 2, jobIds: ids.slice(1), toolError: 'Mordor is fictional; ask for a real city' },
      },
    ])
    // The window passed: the next refusal is logged whole again.
    const [later] = await runChatJobsInTurn(engine, 1)
    expect(refusals().slice(4).map(line => [line.fields?.jobId, line.fields?.callId])).toEqual([[later, 'call_1'], [later, 'call_4']])
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })

  it('reports what it counted so far at shutdown', async () => {
    const { engine, refusals } = engineWithRefusingTool(1)
    await runChatJobsInTurn(engine, 1)
    expect(refusals()).toHaveLength(2)
    await engine.dispose()
    expect(refusals().slice(2)).toEqual([expect.objectContaining({ level: 'info', fields: expect.objectContaining({ failures: 2 }) })])
    expect(engine.stats().engineTimers).toBe(0)
  })
})
