/**
 * What the servers' secret opens, as docs/providers.md tells an operator deciding how to guard it.
 * Since users can delete their ended jobs (`DELETE /api/jobs/:id`), the public, secret-checked
 * `deletion:deleteJob` deletes any user's ended job by id — it takes no user, the route checks the
 * owner first. The Security and Retention sections said that no caller (no server) can delete jobs.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, endEvent, newJob, TEST_SECRET } from './backend'

const providersDocs = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8')

/** The text of a `### ` or `#### ` section of providers.md, lines joined. */
function section(title: string): string {
  const start = providersDocs.indexOf(`\n${title}\n`)
  expect(start, title).toBeGreaterThan(-1)
  const end = providersDocs.indexOf('\n#', start + title.length + 2)
  return providersDocs.slice(start, end).replace(/\s+/g, ' ')
}

describe('the servers\' secret deletes ended jobs, and providers.md says so', () => {
  it('deletion:deleteJob with the secret deletes another user\'s ended job', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob({ userId: 'someone-else' })
    await provider.create(job)
    await provider.appendEvents(job.id, [endEvent(1, 'completed')], { epoch: 1 })

    expect(await backend.mutation(api.deletion.deleteJob, { jobId: job.id, secret: TEST_SECRET })).toBe('deleted')
    expect(await provider.get(job.id)).toBeNull()

    const security = section('#### Security')
    const retention = section('### Retention')
    expect(`${security} ${retention}`).not.toMatch(/no (caller|server)[^.]*can delete jobs/)
    // The list of what anyone holding the secret can do names deleting.
    expect(security).toMatch(/Anyone holding `BACKGROUND_JOBS_SECRET` can do what the servers do — [^.]*delete/)
  })
})
