import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { Logger } from '../../server/lib/logger'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createTestEngine } from '../support/engine-harness'

const tool = (name: string) => defineTool({ name, description: `The ${name} tool`, parameters: z.object({}), execute: () => 'ok' })

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return { warnings, info() {}, error() {}, warn: message => void warnings.push(message) }
}

describe('names in tools.disabled / tools.isolated that are no registered tool', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('warns once per name at the first job, naming the variable and the nearest tool, and not for a tool a plugin registered after the start', async () => {
    const logger = recordingLogger()
    const tools = createToolRegistry([tool('delete_file'), tool('calculate')])
    const { engine } = createTestEngine({
      config: { tools: { disabled: 'delte_file, late_tool', isolated: 'calculator' } },
      runners: { async chat() {} },
      tools,
      logger,
    })
    // An app's plugin registers a tool once the engine is up (docs/tools.md), before any job.
    tools.register(tool('late_tool'))
    await engine.createJob('u1', { request: chatRequest })
    await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)

    const toolWarnings = logger.warnings.filter(line => line.startsWith('tools.'))
    expect(toolWarnings).toEqual([
      expect.stringContaining('tools.disabled (NUXT_BACKGROUND_JOBS_TOOLS_DISABLED) names "delte_file", which is not a registered tool (did you mean "delete_file"?), so it turns nothing off'),
      expect.stringContaining('tools.isolated (NUXT_BACKGROUND_JOBS_TOOLS_ISOLATED) names "calculator", which is not a registered tool (did you mean "calculate"?), so it isolates nothing'),
    ])
    await engine.dispose()
  })

  it('says nothing when every name is a registered tool', async () => {
    const logger = recordingLogger()
    const { engine } = createTestEngine({
      config: { tools: { disabled: 'delete_file', isolated: 'calculate' } },
      runners: { async chat() {} },
      tools: createToolRegistry([tool('delete_file'), tool('calculate')]),
      logger,
    })
    await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    expect(logger.warnings.filter(line => line.startsWith('tools.'))).toEqual([])
    await engine.dispose()
  })
})
