/**
 * A main-chat turn answered again on the AI SDK page (`regenerate()` or an edit there): the
 * messages route names the turn's user message `<jobId>:user`, so the new job's `messageId` is
 * `<jobId>:user` (server/lib/ai-sdk/user-message-ids.ts). Back in the main chat, `messageKeyOf`
 * keyed that job apart from job `<jobId>`, so the next message sent the model both answers to the
 * one message (the one the AI SDK page replaced too), and the main chat's Regenerate of the new
 * turn posted `<jobId>:user` where the main chat's own key is `<jobId>`.
 */
import { describe, expect, it } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'
import { buildHistory, messageKeyOf } from '../../demo/app/lib/threads'

function job(patch: Partial<JobSummary> & { id: string }): JobSummary {
  return { type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: patch.id, createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 1, ...patch }
}

describe('main chat: a turn the AI SDK page answered again', () => {
  it('is the same message as the turn it answers again: only its newest answer is history', () => {
    const first = job({ id: 'job-1' })
    const again = job({ id: 'job-2', messageId: 'job-1:user' })
    expect(messageKeyOf(again)).toBe(messageKeyOf(first))
    const turns = [
      { ...first, type: 'chat' as const, prompt: 'First', answer: 'Old answer', status: 'completed' as const },
      { ...again, createdAt: 2, type: 'chat' as const, prompt: 'First', answer: 'New answer', status: 'completed' as const },
    ]
    expect(buildHistory(turns, 'Next')).toEqual([
      { role: 'user', content: 'First' },
      { role: 'assistant', content: 'New answer', jobId: 'job-2' },
      { role: 'user', content: 'Next' },
    ])
  })

  it('keeps other message ids as they are', () => {
    expect(messageKeyOf(job({ id: 'job-3', messageId: 'msg-abc' }))).toBe('msg-abc')
    expect(messageKeyOf(job({ id: 'job-4' }))).toBe('job-4')
  })
})
