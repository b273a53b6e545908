/**
 * The demo chat holds the next message while the thread it goes to is still loading: a thread
 * opened from the list (no server-rendered payload) has neither its turns nor their answers yet,
 * and a message sent then went to the model with no history at all (the turns reported
 * `connecting`, which is neither history nor a hold).
 */
import { describe, expect, it } from 'vitest'
import type { TurnReport } from '../../demo/app/lib/turn-report'
import { threadHold } from '../../demo/app/lib/turn-report'
import { holdText } from '../../demo/app/lib/wording'

const report = (patch: Partial<TurnReport>): TurnReport => ({ answer: '', status: 'completed', active: false, waiting: false, loading: false, connection: 'closed', ...patch })

describe('the hold while a thread loads', () => {
  it('holds while a finished turn\'s answer is still on its way', () => {
    const loading = report({ status: 'connecting', loading: true, connection: 'connecting' })
    expect(threadHold([['a', report({})], ['b', loading]])).toEqual({ kind: 'loading' })
    expect(holdText({ kind: 'loading' })).toBe('Wait for the conversation to load.')
  })

  it('holds while the thread\'s turns have not been read yet', () => {
    expect(threadHold([], true)).toEqual({ kind: 'loading' })
    expect(threadHold([['a', report({})]], true)).toEqual({ kind: 'loading' })
  })

  it('lets the message go once everything is known, or a turn could not be read (nothing more will come)', () => {
    expect(threadHold([['a', report({})]], false)).toBeNull()
    expect(threadHold([['a', report({ status: 'connecting', loading: false })]])).toBeNull()
    expect(threadHold([['a', report({ status: 'lost' })]])).toBeNull()
  })

  it('says an unfinished answer first (Stop is offered for it)', () => {
    const running = report({ status: 'running', active: true, connection: 'open' })
    expect(threadHold([['a', report({ status: 'connecting', loading: true })], ['b', running]], true)).toEqual({ kind: 'running', jobId: 'b' })
  })
})
