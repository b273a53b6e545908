/**
 * docs/api.md's route table against the routes that read a JSON body: each answers `413` for a
 * body over its byte limit and `415` for one that is not `application/json`, and a client reading
 * the table must find both in that route's errors (a row that says "as `POST /api/jobs`" has that
 * row's). The input route's row listed neither, though limits.md's limits table bounds its body.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ config: { limits: { maxBodyBytes: 1_000, maxChatBodyBytes: 2_000 } } })

const apiDocs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')

/** The errors column of the table row of `route` (with the row it refers to by "as `…`"). */
function documentedErrors(route: string): string {
  const row = apiDocs.split('\n').find(line => line.startsWith(`| \`${route}\``))
  if (!row) throw new Error(`docs/api.md has no row for ${route}`)
  const errors = row.split(' | ').at(-1)!
  const reference = /^as `([^`]+)`/.exec(errors)?.[1]
  return reference ? `${documentedErrors(reference)} ${errors}` : errors
}

const big = 'x'.repeat(3_000)
const routes: Array<{ route: string, path: (jobId: string) => string, body: unknown }> = [
  { route: 'POST /api/jobs', path: () => '/api/jobs', body: { messages: [{ role: 'user', content: big }] } },
  { route: 'POST /api/jobs/:id/input', path: id => `/api/jobs/${id}/input`, body: { requestId: 'r1', answer: big } },
  { route: 'POST /api/jobs/chat', path: () => '/api/jobs/chat', body: { id: 'c1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: big }] }] } },
]

describe('the statuses of a refused body are in api.md\'s route table', () => {
  it.each(routes)('$route', async ({ route, path, body }) => {
    const { job } = await app.engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    const post = (contentType: string, text: string) => fetch(`${app.base}${path(job.id)}`, { method: 'POST', headers: { 'content-type': contentType }, body: text })
    const answered = [(await post('application/json', JSON.stringify(body))).status, (await post('text/plain', '{}')).status]
    expect(answered).toEqual([413, 415])
    const errors = documentedErrors(route)
    expect(answered.filter(status => !errors.includes(`\`${status}\``))).toEqual([])
    await app.engine.abortJob('user-1', job.id)
  })
})
