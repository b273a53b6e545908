/**
 * A finished job deleted (by its user, or by retention) while a viewer's catch-up reads its log:
 * Convex reads a long log page by page, and a page that finds the job gone ends the read with
 * the pages so far (`complete: false`); the hub then asks for the stored state, which is null now.
 * The viewer got a snapshot of an empty `queued` job in a stream that closed (HEAD: 200), where
 * the job is gone: a 404, as it gets a moment later — never the snapshot of an empty job.
 */
import { describe, expect, it } from 'vitest'
import { JobNotFoundError } from '../../server/lib/errors'
import type { JobProvider, JobRecord } from '../../server/lib/providers/types'
import type { ViewerFrame } from '../../server/lib/viewer'
import type { JobEvent } from '../../shared/events'
import { inertViewerHub } from '../support/inert-viewer-hub'

const firstPage: JobEvent[] = [
  { type: 'job-status', status: 'running', seq: 1, at: 1 },
  { type: 'text-delta', offset: 0, text: 'Hello', seq: 2, at: 2 },
]

function hubOverDeletedJob() {
  // The first page was read; the next found the job deleted, and so does the state read after it.
  const provider = {
    readEvents: async () => ({ events: [...firstPage], complete: false }),
    getState: async () => null,
    subscribe: () => () => {},
  } as unknown as JobProvider
  const hub = inertViewerHub(provider)
  const record = { id: 'job', userId: 'u', type: 'chat', status: 'completed', createdAt: 0, lastSeq: 900 } as unknown as JobRecord
  return { hub, record }
}

describe('a finished job deleted while a viewer\'s catch-up reads it', () => {
  it('is a 404 (GET and HEAD), not a snapshot of an empty queued job', async () => {
    const { hub, record } = hubOverDeletedJob()
    const frames: ViewerFrame[] = []
    const sink = { send: (frame: ViewerFrame) => frames.push(frame), comment: () => {}, close: () => {} }
    const attached = hub.attach(record, sink, null).then(() => 'attached', (error: unknown) => error)
    expect(await attached).toBeInstanceOf(JobNotFoundError)
    expect(frames.map(frame => `${frame.event} ${(frame.data as { status?: string }).status}`)).toEqual([])
    // HEAD: looked up the same way, from a position that is not the end.
    await expect(hub.upToDate(record, { epoch: 1, seq: 900 })).rejects.toBeInstanceOf(JobNotFoundError)
  })
})
