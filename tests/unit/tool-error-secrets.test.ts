/**
 * A tool's error reaches the model (a third party), the job's stored events and the user's page.
 * `$fetch` puts the whole URL in its error's message, so a tool calling an API with its key in the
 * query (`?api_key=…`) that answered 401 sent that key to all three, while the server's log line of
 * the same failure was redacted. The message is redacted as the log is.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const KEY = 'c0ffee5ecret4242'
const BEARER = 'sk-proj-abcdefghijklmnop'

function failingTool(message: string, where: 'execute' | 'schema' = 'execute') {
  return defineTool({
    name: 'weather',
    description: 'Current weather',
    parameters: z.object({ city: z.string().transform((city) => {
      if (where === 'schema') throw new Error(message)
      return city
    }) }),
    execute: () => {
      throw new Error(message)
    },
  })
}

async function run(message: string, where?: 'execute' | 'schema') {
  const model = createStepModel([toolStep([{ id: 'c1', name: 'weather', args: { city: 'Oslo' } }]), textStep('ok')])
  // Every thrown message shown (`tools.errorMessages: 'all'`), where redaction is the only safety net.
  const fake = createFakeRunContext({ model, tools: [failingTool(message, where)], config: { tools: { errorMessages: 'all' } } })
  await runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'weather?' }] })
  const told = model.requests[1]!.messages.find(entry => entry.role === 'tool')!.content!
  return { told, stored: JSON.stringify(fake.state().toolCalls), events: JSON.stringify(fake.events) }
}

describe('a tool error is redacted before the model, the store and the page see it', () => {
  it('a key in a failed request\'s URL', async () => {
    const { told, stored, events } = await run(`[GET] "https://api.weather.example/v1/now?city=Oslo&api_key=${KEY}": 401 Unauthorized`)
    for (const text of [told, stored, events]) expect(text).not.toContain(KEY)
    expect(JSON.parse(told)).toEqual({ error: 'Tool "weather" failed: [GET] "https://api.weather.example/v1/now?city=Oslo&api_key=[redacted]": 401 Unauthorized' })
  })

  it('a bearer token an error quotes, from execute or from the schema', async () => {
    for (const where of ['execute', 'schema'] as const) {
      const { told, events } = await run(`request failed with Authorization: Bearer ${BEARER}`, where)
      for (const text of [told, events]) expect(text).not.toContain(BEARER)
      expect(told).toContain('Authorization: [redacted]')
    }
  })

  it('keeps an error that holds no secret as it was', async () => {
    const { told } = await run('the weather service answered 503 (token expired? retry later)')
    expect(JSON.parse(told)).toEqual({ error: 'Tool "weather" failed: the weather service answered 503 (token expired? retry later)' })
  })
})
