/**
 * What the model, the job's events and the user's page read when a tool throws. A `ToolError` is
 * written for them and shown as is; any other error is a fault of the tool's code (an HTTP client's
 * message with its URL, a driver's with its query): by default (`tools.errorMessages: tool-errors`)
 * they read only `Tool "x" failed`, and the server's log keeps the real message. `all` shows every one.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { configProblems } from '../../server/lib/config-validate'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { deserializeError, serializeError } from '../../server/lib/isolation/protocol'
import { isToolError } from '../../server/lib/tools/tool-error'
import { defineTool, ToolError } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel } from '../support/step-model'

const weather = defineTool({
  name: 'weather',
  description: 'Current weather',
  parameters: z.object({
    city: z.string().refine((city) => {
      if (city === 'Atlantis') throw new ToolError('City not checked: Atlantis is not on our maps')
      if (city === 'Down') throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (geo db)')
      return true
    }),
  }),
  execute: ({ city }) => {
    if (city === 'Nowhere') throw new ToolError('City not found')
    throw new Error(`GET https://api.example.com/weather?city=${city} 500 Internal Server Error (db host 10.0.3.7)`)
  },
})

async function call(city: string, config?: BackgroundJobsConfigInput) {
  const fake = createFakeRunContext({ model: createStepModel([]), tools: [weather], ...(config ? { config } : {}) })
  const { logger, lines } = recordingLogger()
  const outcome = await executeToolCall({ ...fake.context, logger }, { id: 'c1', name: 'weather', args: { city }, step: 1 })
  const event = fake.events.find(entry => entry.type === 'tool-result')
  return { outcome, event, logged: lines.map(line => String((line.fields?.error as Error | undefined)?.message)).join('\n') }
}

describe('a tool\'s thrown message, by default', () => {
  it('a ToolError reaches the model and the page as is', async () => {
    const { outcome, event } = await call('Nowhere')
    expect(outcome).toMatchObject({ status: 'error', error: 'City not found' })
    expect(event).toMatchObject({ status: 'error', error: 'City not found' })
  })

  it('any other error reads only `Tool "x" failed`; the server log keeps the real message', async () => {
    const { outcome, event, logged } = await call('Oslo')
    expect(outcome.error).toBe('Tool "weather" failed')
    expect(event).toMatchObject({ status: 'error', error: 'Tool "weather" failed' })
    expect(logged).toContain('500 Internal Server Error (db host 10.0.3.7)')
  })

  it('a parameters schema\'s own throw: a ToolError as is, any other without its message', async () => {
    expect((await call('Atlantis')).outcome.error).toBe('City not checked: Atlantis is not on our maps')
    const down = await call('Down')
    expect(down.outcome.error).toBe('Tool "weather" failed: its parameters schema threw while checking the arguments (the tool\'s own check, not a problem the arguments were found to have)')
    expect(down.logged).toContain('ECONNREFUSED 10.0.3.7:5432 (geo db)')
  })

  it('the layer\'s own messages (bad arguments) are still shown whole', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [weather] })
    const outcome = await executeToolCall(fake.context, { id: 'c1', name: 'weather', args: { city: 5 }, step: 1 })
    expect(outcome.error).toMatch(/^Invalid arguments for tool "weather": city: /)
  })
})

describe('tools.errorMessages: all (every message, redacted for secret shapes)', () => {
  it('shows another error\'s message too, and a ToolError\'s as is', async () => {
    expect((await call('Oslo', { tools: { errorMessages: 'all' } })).outcome.error).toBe('Tool "weather" failed: GET https://api.example.com/weather?city=Oslo 500 Internal Server Error (db host 10.0.3.7)')
    expect((await call('Nowhere', { tools: { errorMessages: 'all' } })).outcome.error).toBe('City not found')
  })

  it('is validated, and read from NUXT_BACKGROUND_JOBS_TOOLS_ERROR_MESSAGES', () => {
    expect(resolveConfig({}).tools.errorMessages).toBe('tool-errors')
    expect(configProblems(resolveConfig({ tools: { errorMessages: 'none' as never } }))).toEqual([expect.stringContaining('tools.errorMessages (NUXT_BACKGROUND_JOBS_TOOLS_ERROR_MESSAGES) must be one of tool-errors, all, got "none"')])
    expect(configProblems(resolveConfig({ tools: { errorMessages: ' all ' as never } }))).toEqual([])
  })
})

describe('across an isolation worker\'s boundary', () => {
  it('a ToolError stays one (its message is shown); another error does not become one', () => {
    const crossed = deserializeError(serializeError(new ToolError('City not found')))
    expect(isToolError(crossed)).toBe(true)
    expect(crossed).toMatchObject({ name: 'ToolError', message: 'City not found' })
    const named = Object.assign(new Error('internal'), { name: 'ToolError' })
    expect(isToolError(deserializeError(serializeError(named)))).toBe(false)
    expect(isToolError(deserializeError(serializeError(new Error('x', { cause: new ToolError('inner') }))).cause)).toBe(true)
  })
})
