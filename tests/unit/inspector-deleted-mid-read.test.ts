/**
 * The DevTools inspector over a job deleted while it reads the log: Convex reads a long log page
 * by page, and a page that finds the job gone ends the read with the pages so far
 * (`complete: false`); the stored state is null by then. The inspector showed an empty `queued`
 * job (the viewer hub had the same fallback, viewer-hub-deleted-mid-read.test.ts): the job is
 * gone, as the API says.
 */
import { describe, expect, it } from 'vitest'
import { createInspector } from '../../server/lib/inspector'
import type { JobRun } from '../../server/lib/job-run'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import type { JobEvent } from '../../shared/events'

const record = { id: 'job', userId: 'u', type: 'chat', status: 'completed', createdAt: 0, lastSeq: 900 } as unknown as JobRecord
const firstPage: JobEvent[] = [
  { type: 'job-status', status: 'running', seq: 1, at: 1 },
  { type: 'text-delta', offset: 0, text: 'Hello', seq: 2, at: 2 },
]

function inspectorOver(readEvents: JobProvider['readEvents']) {
  const provider = { get: async () => record, readEvents, getState: async () => null } as unknown as JobProvider
  return createInspector({ runs: new Map<string, JobRun>(), provider, now: () => 0 })
}

describe('the inspector over a job deleted while it reads the log', () => {
  it('finds no job, not an empty queued one, when the read was cut short and the state is gone', async () => {
    const inspector = inspectorOver(async () => ({ events: [...firstPage], complete: false }))
    expect(await inspector.get('job')).toBeNull()
    expect(await inspector.list(['job'])).toEqual([])
  })

  it('finds no job when the log itself is gone', async () => {
    const inspector = inspectorOver(async () => null)
    expect(await inspector.get('job')).toBeNull()
  })
})
