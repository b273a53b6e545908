import { describe, expect, it } from 'vitest'
import { summarize, titleOf } from '../../server/lib/job-summary'
import type { JobRecord } from '../../server/lib/providers/types'
import { TITLE_MAX_CHARS, workflowTitle } from '../../shared/job-title'

describe('job summary and title', () => {
  it('titles a chat by its last user message, whitespace collapsed, cut to the limit', () => {
    const messages = [{ role: 'user' as const, content: 'First' }, { role: 'assistant' as const, content: 'Hi' }, { role: 'user' as const, content: '  Tell me\n about   cats ' }]
    expect(titleOf({ request: { type: 'chat', messages } })).toBe('Tell me about cats')
    expect(titleOf({ request: { type: 'chat', messages: [{ role: 'user', content: 'x'.repeat(500) }] } })).toHaveLength(TITLE_MAX_CHARS)
    expect(titleOf({ title: 'Given', request: { type: 'chat', messages } })).toBe('Given')
  })

  it('titles a workflow with what it is about, so two runs of one workflow differ', () => {
    const cats = titleOf({ request: { type: 'workflow', workflow: 'parallel-brainstorm', input: { topic: 'cats' } } })
    const dogs = titleOf({ request: { type: 'workflow', workflow: 'parallel-brainstorm', input: { topic: 'dogs' } } })
    expect(cats).toBe('parallel-brainstorm: cats')
    expect(dogs).toBe('parallel-brainstorm: dogs')
    // The first text of the input, whatever its name; none: the workflow's name alone.
    expect(workflowTitle('research-report', { depth: 2, subject: ' solar\n sails ' })).toBe('research-report: solar sails')
    expect(workflowTitle('research-report', 'plain text input')).toBe('research-report: plain text input')
    expect(workflowTitle('nightly', {})).toBe('Workflow: nightly')
    expect(workflowTitle('nightly', { topic: '   ' })).toBe('Workflow: nightly')
    expect(workflowTitle('w', { topic: 'y'.repeat(500) })).toHaveLength(TITLE_MAX_CHARS)
  })

  it('summarizes a record without its request, with the chat prompt', () => {
    const record = {
      id: 'j1', userId: 'u1', type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: 'Hi', createdAt: 1, updatedAt: 2, endedAt: 2, lastSeq: 3,
      request: { type: 'chat', messages: [{ role: 'user', content: 'Hi there' }] },
    } as unknown as JobRecord
    const summary = summarize(record)
    expect(summary).toEqual({ id: 'j1', type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: 'Hi', createdAt: 1, updatedAt: 2, endedAt: 2, lastSeq: 3, prompt: 'Hi there' })
    expect(summary).not.toHaveProperty('request')
  })

  it('summarizes a workflow with its name and input (what its owner started), never the request internals', () => {
    const record = {
      id: 'j2', userId: 'u1', type: 'workflow', status: 'failed', threadId: null, messageId: null, title: 'research-report: cats', createdAt: 1, updatedAt: 2, endedAt: 2, lastSeq: 3,
      request: { type: 'workflow', workflow: 'research-report', input: { topic: 'cats' }, tools: [], trace: { traceparent: 'x' } },
      lease: { instanceId: 'a', epoch: 1, expiresAt: 9 },
    } as unknown as JobRecord
    const summary = summarize(record)
    expect(summary.workflow).toEqual({ name: 'research-report', input: { topic: 'cats' } })
    expect(summary).not.toHaveProperty('prompt')
    expect(JSON.stringify(summary)).not.toMatch(/traceparent|lease|tools/)
  })
})
