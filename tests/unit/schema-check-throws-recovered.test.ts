/**
 * A recovered job whose workflow input schema throws in its own code when the stored input is
 * checked again: the job's end and the takeover's log line name the app's error, as they did before
 * such a throw became `SchemaCheckFailedError` (whose own message is the generic one for clients).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { checkStoredRequest } from '../../server/lib/stored-request'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

const booking = defineWorkflow({
  name: 'booking',
  description: 'books a room',
  input: z.object({ room: z.string().refine(() => {
    throw new Error('rooms db is down')
  }) }),
  nodes: { done: { kind: 'output', value: 'ok' } },
  edges: [],
})

describe('a recovered job whose input schema throws', () => {
  it('is refused naming the app\'s error', () => {
    const check = checkStoredRequest({ type: 'workflow', workflow: 'booking', input: { room: 'blue' } }, { config: resolveConfig({}), tools: createToolRegistry([]), workflows: createWorkflowRegistry([booking]) })
    expect(check).toMatchObject({ ok: false, error: { message: 'The stored request of this job is not valid, so it was not run: input: rooms db is down' } })
  })
})
