/**
 * With no API key and the scripted model off, every chat start answers 503 naming the key, yet the
 * catalog named `openai/gpt-4o-mini` as the model and said nothing else: a UI could not tell that
 * chats cannot start, nor which workflows can run (one with an agent node needs the model, one
 * without does not). Nor could it tell that a workflow's tool node calls a tool that is off
 * (`tools.disabled`, or this user's `tools` flag): the workflow started and failed at that node.
 * The catalog now says `chat: { available, reason }` and each workflow's `available` and `reason`,
 * in plain words that name no setting or secret.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { JobCatalog } from '../../app/lib/api-types'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

const userFlags = vi.hoisted(() => ({ tools: true }))
vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async (name: string, context: { userId?: string | null, flags?: { tools: boolean } }) => {
    if ('userId' in context) context.userId = 'user-1'
    if (name === 'background-jobs:feature-flags' && context.flags) context.flags.tools = userFlags.tools
  } } }),
}))

const sendEmail = defineTool({ name: 'send_email', description: 'sends', parameters: z.object({}), execute: () => 'sent' })
const workflows = createWorkflowRegistry([
  defineWorkflow({ name: 'ask', description: 'asks the model', input: z.object({}), nodes: { write: { kind: 'agent', instructions: 'write' }, done: { kind: 'output', value: 'x' } }, edges: [['write', 'done']] }),
  defineWorkflow({ name: 'notify', description: 'sends an email', input: z.object({}), nodes: { send: { kind: 'tool', tool: 'send_email' }, done: { kind: 'output', value: 'sent' } }, edges: [['send', 'done']] }),
  defineWorkflow({ name: 'plain', description: 'no model, no tool', input: z.object({}), nodes: { done: { kind: 'output', value: 'x' } }, edges: [] }),
])

let app: RouteApp | undefined
afterEach(async () => {
  userFlags.tools = true
  await app?.close()
  app = undefined
})

async function catalog(config: NonNullable<Parameters<typeof serveRoutes>[0]>['config']): Promise<JobCatalog> {
  app = await serveRoutes({ config, workflows, tools: createToolRegistry([sendEmail]) })
  const response = await fetch(`${app.base}/api/jobs/catalog`)
  expect(response.status).toBe(200)
  return await response.json() as JobCatalog
}

const availability = (body: JobCatalog) => Object.fromEntries(body.workflows.map(workflow => [workflow.name, workflow.available]))

describe('the catalog says what can start', () => {
  it('says chat is unavailable, and which workflows still run, when no model is configured', async () => {
    const body = await catalog({ scripted: { enabled: false }, upstream: { apiKey: '' } })
    expect(body.chat).toEqual({ available: false, reason: expect.stringMatching(/no AI model is configured/i) })
    expect(availability(body)).toEqual({ ask: false, notify: true, plain: true })
    expect(body.workflows.find(workflow => workflow.name === 'ask')!.reason).toMatch(/model/)
    // It names no setting an operator would keep to themselves.
    expect(JSON.stringify(body)).not.toMatch(/NUXT_|apiKey|API_KEY/)
    const start = await fetch(`${app!.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'chat', messages: [{ role: 'user', content: 'hi' }] }) })
    expect(start.status).toBe(503)
  })

  it('says chat and every workflow are available with a model', async () => {
    const body = await catalog({ upstream: { apiKey: 'sk-secret-123' } })
    expect(body.chat).toEqual({ available: true, reason: null })
    expect(availability(body)).toEqual({ ask: true, notify: true, plain: true })
    expect(JSON.stringify(body)).not.toContain('sk-secret-123')
  })

  it('marks a workflow whose tool node calls a tool in tools.disabled', async () => {
    const body = await catalog({ tools: { disabled: 'send_email' } })
    expect(availability(body)).toEqual({ ask: true, notify: false, plain: true })
    expect(body.workflows.find(workflow => workflow.name === 'notify')!.reason).toContain('send_email')
  })

  it('marks it for a user whose tools flag the app turned off', async () => {
    userFlags.tools = false
    const body = await catalog({})
    expect(body.tools).toEqual([])
    expect(availability(body)).toEqual({ ask: true, notify: false, plain: true })
  })
})
