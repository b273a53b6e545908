/**
 * Regenerate and Retry in the demo chat (demo/app/lib/threads.ts): the new turn answers the same
 * message as the turn it was asked from (the job's `messageId`, `messageKeyOf`), and only the
 * newest answer to a message continues the conversation, as in ChatGPT-like apps. The earlier
 * answers stay on screen; the next message's history carries the prompt once, with the newest answer.
 */
import { describe, expect, it } from 'vitest'
import { buildHistory, messageKeyOf } from '../../demo/app/lib/threads'
import type { ThreadTurn } from '../../demo/app/lib/threads'

let created = 0
/** A main-chat turn answering message `messageKey` (its job's `messageId`, as a Regenerate or Retry posts it). */
const chat = (prompt: string, answer: string, status: ThreadTurn['status'], messageKey: string): ThreadTurn => {
  created++
  return { id: `job-${created}`, messageId: messageKey, createdAt: created, startedBy: 'jobs', type: 'chat', prompt, answer, status }
}

describe('only the newest answer to a message continues the conversation', () => {
  it('a regenerated answer replaces the one it was asked from in the next message\'s history', () => {
    const thread = [
      chat('Hello there', 'Hi!', 'completed', 'j1'),
      chat('And again', 'First answer', 'completed', 'j2'),
      // Regenerate of j2: the same message.
      chat('And again', 'Second answer', 'completed', 'j2'),
    ]
    expect(buildHistory(thread, 'Next').map(message => [message.role, message.content])).toEqual([
      ['user', 'Hello there'], ['assistant', 'Hi!'],
      ['user', 'And again'], ['assistant', 'Second answer'],
      ['user', 'Next'],
    ])
  })

  it('a retried failed turn leaves no second copy of its prompt', () => {
    const thread = [
      chat('Explain SSE', '', 'failed', 'j1'),
      chat('Explain SSE', 'Server-sent events are…', 'completed', 'j1'),
    ]
    expect(buildHistory(thread, 'Thanks').map(message => message.content)).toEqual(['Explain SSE', 'Server-sent events are…', 'Thanks'])
  })

  it('regenerating again leaves out every earlier answer to that message, not just the one clicked', () => {
    const thread = [
      chat('Hello there', 'Hi!', 'completed', 'j1'),
      chat('And again', 'First answer', 'completed', 'j2'),
      chat('And again', 'Second answer', 'completed', 'j2'),
    ]
    expect(buildHistory(thread, 'And again', 'j2').map(message => message.content)).toEqual(['Hello there', 'Hi!', 'And again'])
  })

  it('the message a job answers: its messageId, else the job itself', () => {
    expect(messageKeyOf({ id: 'j3', messageId: 'j2' })).toBe('j2')
    expect(messageKeyOf({ id: 'j2', messageId: null })).toBe('j2')
  })
})
