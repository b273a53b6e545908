/**
 * The demo deploys: built the way `npm run build` builds it (`nuxi build demo`), its server
 * serves the chat page and runs a job to the end on the built-in scripted model.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createClient } from '../support/http-client'
import type { ServerProcess } from '../support/server-process'
import { buildAppCopy, ROOT, startServerProcess } from '../support/server-process'

let build: { entry: string, cleanup: () => void }
let demo: ServerProcess

beforeAll(async () => {
  build = buildAppCopy(join(ROOT, 'demo'))
  // Fast pacing keeps the test short; everything else is the demo's own configuration.
  demo = await startServerProcess(build.entry, { NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1' }, '/api/jobs/catalog')
})

afterAll(async () => {
  await demo?.stop()
  build?.cleanup()
})

it('serves the chat page', async () => {
  const response = await fetch(`${demo.url}/`)
  expect(response.status).toBe(200)
  expect(await response.text()).toContain('Background jobs')
})

it('runs a job to the end on the scripted model, with the demo tools and workflows offered', async () => {
  const client = createClient(demo.url)
  const catalog = await client.get('/api/jobs/catalog')
  expect(catalog.body.model).toEqual({ scripted: true, name: 'scripted/demo' })
  expect(catalog.body.tools.map((tool: { name: string }) => tool.name)).toContain('calculate')
  expect(catalog.body.workflows.map((workflow: { name: string }) => workflow.name)).toContain('research-report')
  const report = catalog.body.workflows.find((workflow: { name: string }) => workflow.name === 'research-report')
  expect(report.questions).toEqual([expect.objectContaining({ nodeId: 'approval', onTimeout: 'default' })])

  const created = await client.post('/api/jobs', { messages: [{ role: 'user', content: 'hello there' }] })
  expect(created.status).toBe(202)
  const stream = await client.stream(created.body.streamUrl)
  const end = await stream.waitFor(frame => frame.event === 'job-end')
  expect(end.data.status).toBe('completed')
  const snapshot = await client.get(`/api/jobs/${created.body.id}`)
  expect(snapshot.body.state.content).toContain('scripted')
})

it('a first visit gets one anonymous user: the page sets one user cookie, the same one its SSR calls used', async () => {
  const page = await fetch(`${demo.url}/`)
  const cookies = page.headers.getSetCookie().filter(line => line.startsWith('bgjobs_uid='))
  expect(cookies).toHaveLength(1)
  const cookie = cookies[0]!.split(';')[0]!
  // The browser's next calls carry it: the same user, so nothing new is set.
  const list = await fetch(`${demo.url}/api/jobs`, { headers: { cookie } })
  expect(list.status).toBe(200)
  expect(list.headers.getSetCookie()).toEqual([])
  // A job of that user shows in the next server-rendered page of its thread.
  const created = await fetch(`${demo.url}/api/jobs`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'the cookie survives SSR' }], threadId: 'ssr-thread' }),
  })
  expect(created.status).toBe(202)
  const html = await (await fetch(`${demo.url}/threads/ssr-thread`, { headers: { cookie } })).text()
  expect(html).toContain('the cookie survives SSR')
})
