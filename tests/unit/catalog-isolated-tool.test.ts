/**
 * A tool that must run isolated (`tools.isolated`, or `isolation: 'worker'`) fails every call with
 * "cannot start an isolation worker" when this build has no worker entry (a single-file server
 * output) or the tool was registered in code rather than loaded from a server/tools file. The
 * catalog still listed it like any other, and a workflow whose tool node runs it as available: a
 * UI offered what could only fail. Each tool now carries `available` and `reason`, and such a
 * workflow is marked unavailable.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { JobCatalog } from '../../app/lib/api-types'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const sendEmail = defineTool({ name: 'send_email', description: 'sends', parameters: z.object({}), execute: () => 'sent' })
const clock = defineTool({ name: 'clock', description: 'the time', parameters: z.object({}), execute: () => 'noon' })
const workflows = createWorkflowRegistry([
  defineWorkflow({ name: 'notify', description: 'sends an email', input: z.object({}), nodes: { send: { kind: 'tool', tool: 'send_email' }, done: { kind: 'output', value: 'sent' } }, edges: [['send', 'done']] }),
])

let app: RouteApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function catalog(workerUrl: string | null, toolFiles: string[]): Promise<JobCatalog> {
  const isolation = createToolIsolation({ workerUrl: () => workerUrl, toolFiles, getConfig: () => app!.config })
  app = await serveRoutes({ config: { tools: { isolated: 'send_email' } }, workflows, tools: createToolRegistry([sendEmail, clock]), isolation })
  const response = await fetch(`${app.base}/api/jobs/catalog`)
  expect(response.status).toBe(200)
  return await response.json() as JobCatalog
}

const toolsOf = (body: JobCatalog) => Object.fromEntries(body.tools.map(tool => [tool.name, tool.available]))

describe('an isolated tool no worker can run here', () => {
  it('is listed unavailable when the build has no worker entry, and so is a workflow that runs it', async () => {
    const body = await catalog(null, ['send_email', 'clock'])
    expect(toolsOf(body)).toEqual({ send_email: false, clock: true })
    expect(body.tools.find(tool => tool.name === 'send_email')!.reason).toMatch(/isolation worker/)
    expect(body.workflows[0]).toMatchObject({ name: 'notify', available: false, reason: expect.stringContaining('send_email') })
  })

  it('is listed unavailable when it was not loaded from a server/tools file', async () => {
    // This file stands for the worker entry: it is there.
    const body = await catalog(import.meta.url, ['clock'])
    expect(toolsOf(body)).toEqual({ send_email: false, clock: true })
  })

  it('is available when a worker can load it', async () => {
    const body = await catalog(import.meta.url, ['send_email', 'clock'])
    expect(toolsOf(body)).toEqual({ send_email: true, clock: true })
    expect(body.workflows[0]!.available).toBe(true)
  })
})
