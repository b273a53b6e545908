/**
 * The owner of a job the store lost tells the user's streams here once the store agrees it was
 * lost (`publishJobLost` true) — not when the store recorded it deleted (false: an owner cut off from
 * the store while another instance ended the job and its user deleted it), and still when the store
 * cannot be asked (a tab must not show the job running for ever).
 */
import { describe, expect, it } from 'vitest'
import { announceLostJob } from '../../server/lib/lost-job'
import type { JobRun } from '../../server/lib/job-run'
import { recordingLogger } from '../support/recording-logger'

const run = { record: { id: 'job-1', userId: 'u1', threadId: 't1', title: 'Plan a trip' } } as unknown as JobRun

async function announced(publish: (() => Promise<boolean>) | undefined) {
  const told: string[] = []
  const { logger, lines } = recordingLogger()
  announceLostJob(run, {
    notifications: { jobLost: userId => told.push(userId) > 0 },
    provider: publish ? { publishJobLost: publish } : {},
    logger,
  })
  for (let turn = 0; turn < 5; turn++) await Promise.resolve()
  return { told, lines }
}

describe('announcing a job the store lost', () => {
  it('tells the user\'s streams at once on a store of one instance (no publishJobLost)', async () => {
    expect((await announced(undefined)).told).toEqual(['u1'])
  })
  it('tells them once the store recorded the loss', async () => {
    expect((await announced(async () => true)).told).toEqual(['u1'])
  })
  it('tells nobody when the store says the job was deleted (or is there)', async () => {
    expect((await announced(async () => false)).told).toEqual([])
  })
  it('tells them, with a warning, when the store cannot be asked', async () => {
    const { told, lines } = await announced(async () => {
      throw new Error('connection refused')
    })
    expect(told).toEqual(['u1'])
    expect(lines.map(line => line.message)).toContain('could not tell other instances that the store lost a job')
  })
})
