/**
 * A workflow's input prompt can embed a long draft; the demo's browser notification (and anything
 * else showing the described text) gets a bounded, one-line excerpt of it, not the whole prompt.
 */
import { describe, expect, it } from 'vitest'
import { describeNotification, NOTIFICATION_BODY_MAX_CHARS } from '../../demo/app/lib/notification-text'

const base = { id: 1, at: 0, jobId: 'j', threadId: 't', title: 'Report' }

describe('demo notification text: input prompt', () => {
  it('bounds a long prompt and keeps it on one line', () => {
    const draft = `Review this draft:\n\n${'lorem ipsum dolor sit amet '.repeat(2_000)}`
    const text = describeNotification({ ...base, type: 'input-request', status: 'waiting', prompt: draft })
    expect(text!.body.length).toBeLessThanOrEqual(NOTIFICATION_BODY_MAX_CHARS + 1) // and the '…'
    expect(text!.body.startsWith('Review this draft: lorem ipsum')).toBe(true)
    expect(text!.body.endsWith('…')).toBe(true)
    expect(text!.body).not.toMatch(/\n/)
  })

  it('keeps a short prompt whole, and a blank one says the job waits', () => {
    expect(describeNotification({ ...base, type: 'input-request', status: 'waiting', prompt: 'Approve?' })!.body).toBe('Approve?')
    expect(describeNotification({ ...base, type: 'input-request', status: 'waiting', prompt: '  \n ' })!.body).toBe('A job is waiting for you.')
  })
})
