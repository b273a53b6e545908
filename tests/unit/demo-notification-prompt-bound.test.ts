/**
 * A workflow's input prompt can embed a long draft; the demo's browser notification (and anything
 * else showing the described text) gets a bounded, one-line excerpt of it, not the whole prompt.
 * A client tool's wait (`kind: 'tool-output'`) is no question for the user: its prompt is not shown
 * as one (before, it read "needs your answer" — "Run the tool "get_location" in the browser with {}").
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

  it('says a client tool\'s wait is for a browser tool, not the user; a notification without kind (an earlier server) reads as before', () => {
    const prompt = 'Run the tool "get_location" in the browser with {}'
    const text = describeNotification({ ...base, type: 'input-request', status: 'waiting', requestId: 'r1', prompt, kind: 'tool-output' })!
    expect(text.title).toBe('“Report” is waiting for a browser tool')
    expect(text.title).not.toMatch(/your answer/)
    expect(text.body).not.toContain(prompt)
    expect(text.body).toMatch(/nothing here is yours to answer/)
    expect(text.tone).toBe('info')
    for (const kind of ['tool-approval', 'workflow-input', undefined] as const) {
      expect(describeNotification({ ...base, type: 'input-request', status: 'waiting', prompt: 'Approve?', ...(kind ? { kind } : {}) })).toEqual({ title: '“Report” needs your answer', body: 'Approve?', tone: 'warning' })
    }
  })
})
