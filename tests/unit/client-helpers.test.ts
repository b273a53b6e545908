import { describe, expect, it } from 'vitest'
import type { CatalogWorkflow, JobSummary } from '../../app/lib/api-types'
import { parseComposerInput, workflowInput } from '../../demo/app/lib/commands'
import { formatArgs, formatDuration, formatRelativeTime } from '../../demo/app/lib/format'
import { notificationKey } from '../../app/lib/notification-key'
import { describeNotification } from '../../demo/app/lib/notification-text'
import { formAnswer, formFields, humanize } from '../../demo/app/lib/schema-form'
import { buildHistory, groupThreads, sortOldestFirst } from '../../demo/app/lib/threads'

function job(patch: Partial<JobSummary> & { id: string }): JobSummary {
  return { type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: patch.id, createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 1, ...patch }
}

describe('threads', () => {
  it('groups jobs by thread, newest thread first, titled by its first job, with live and waiting flags', () => {
    const threads = groupThreads([
      job({ id: 'b', threadId: 't1', createdAt: 5, updatedAt: 6, title: 'second' }),
      job({ id: 'a', threadId: 't1', createdAt: 2, updatedAt: 3, title: 'first' }),
      job({ id: 'c', threadId: 't2', createdAt: 7, updatedAt: 9, status: 'waiting' }),
      job({ id: 'd', threadId: null }),
    ])
    expect(threads.map(thread => [thread.threadId, thread.title, thread.jobCount, thread.active, thread.waiting]))
      .toEqual([['t2', 'c', 1, true, true], ['t1', 'first', 2, false, false]])
  })

  it('sorts oldest first and builds the chat history with the new prompt last', () => {
    expect(sortOldestFirst([job({ id: 'b', createdAt: 2 }), job({ id: 'a', createdAt: 1 })]).map(item => item.id)).toEqual(['a', 'b'])
    expect(buildHistory([
      { id: 'j1', messageId: null, createdAt: 1, type: 'chat', prompt: 'Hi', answer: 'Hello!', status: 'completed' },
      { id: 'j2', messageId: null, createdAt: 2, type: 'workflow', prompt: '/workflow x', answer: 'report', status: 'completed' },
      { id: 'j3', messageId: null, createdAt: 3, type: 'chat', prompt: 'Fail please', answer: '', status: 'failed' },
      { id: 'j4', messageId: null, createdAt: 4, type: 'chat', prompt: 'Stop early', answer: 'The first half', status: 'aborted' },
    ], 'Next')).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!', jobId: 'j1' },
      { role: 'user', content: 'Fail please' },
      { role: 'user', content: 'Stop early' },
      { role: 'assistant', content: 'The first half', jobId: 'j4' },
      { role: 'user', content: 'Next' },
    ])
  })

  it('never sends half an answer as a whole one: unfinished and lost turns are left out, a failed turn keeps only its prompt', () => {
    expect(buildHistory([
      { id: 'j5', messageId: null, createdAt: 5, type: 'chat', prompt: 'Hi', answer: 'Hello!', status: 'completed' },
      { id: 'j6', messageId: null, createdAt: 6, type: 'chat', prompt: 'Long answer one', answer: 'Cut mid-sent', status: 'running' },
      { id: 'j7', messageId: null, createdAt: 7, type: 'chat', prompt: 'Delete notes.txt', answer: '', status: 'waiting' },
      { id: 'j8', messageId: null, createdAt: 8, type: 'chat', prompt: 'Just sent', answer: '', status: 'queued' },
      { id: 'j9', messageId: null, createdAt: 9, type: 'chat', prompt: 'Not loaded yet', answer: '', status: 'connecting' },
      { id: 'j10', messageId: null, createdAt: 10, type: 'chat', prompt: 'Lost in a restart', answer: 'Part', status: 'lost' },
      { id: 'j11', messageId: null, createdAt: 11, type: 'chat', prompt: 'Upstream broke', answer: 'Half of it', status: 'failed' },
    ], 'Next')).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!', jobId: 'j5' },
      { role: 'user', content: 'Upstream broke' },
      { role: 'user', content: 'Next' },
    ])
  })
})

describe('composer commands', () => {
  const workflows: CatalogWorkflow[] = [{
    name: 'research-report',
    description: '',
    inputSchema: { type: 'object', properties: { depth: { type: 'number' }, topic: { type: 'string' } }, required: ['topic'] },
    questions: [],
  }]

  it('treats plain text as chat and a slash command as a workflow with its input', () => {
    expect(parseComposerInput('  hello \n', workflows)).toEqual({ kind: 'chat', prompt: 'hello' })
    expect(parseComposerInput('/workflow research-report solar sails', workflows)).toEqual({
      kind: 'workflow', workflow: 'research-report', input: { topic: 'solar sails' }, label: '/workflow research-report solar sails',
    })
  })

  it('names the problem for an empty text, a missing or unknown workflow', () => {
    expect(parseComposerInput('   ', workflows)).toMatchObject({ kind: 'invalid' })
    expect(parseComposerInput('/workflow', workflows)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('research-report') })
    expect(parseComposerInput('/workflow nope x', workflows)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('nope') })
  })

  it('takes JSON input as is and falls back to { topic } without a schema', () => {
    expect(workflowInput('{"topic":"x","depth":2}', null)).toEqual({ topic: 'x', depth: 2 })
    expect(workflowInput('{not json', null)).toEqual({ topic: '{not json' })
  })
})

describe('schema forms', () => {
  it('makes fields from an object schema and converts the answer', () => {
    const fields = formFields({
      type: 'object',
      properties: { approved: { type: 'boolean' }, dueDate: { type: 'string', maxLength: 40 }, count: { type: 'integer' }, tone: { enum: ['calm', 'bold'] } },
      required: ['dueDate'],
    })
    expect(fields.map(field => [field.name, field.label, field.control, field.required])).toEqual([
      ['approved', 'Approved', 'checkbox', false],
      ['dueDate', 'Due date', 'text', true],
      ['count', 'Count', 'number', false],
      ['tone', 'Tone', 'select', false],
    ])
    expect(formAnswer(fields, { approved: true, dueDate: 'Friday', count: 3, tone: 'calm' }))
      .toEqual({ approved: true, dueDate: 'Friday', count: 3, tone: 'calm' })
  })

  it('uses one field for a non-object schema and names a JSON field that does not parse', () => {
    const [field] = formFields({ type: 'string' })
    expect(formAnswer([field!], { '': 'yes' })).toBe('yes')
    const json = formFields({ type: 'array' })
    expect(() => formAnswer(json, { '': '[1,' })).toThrow(/not valid JSON/)
    expect(humanize('max_items')).toBe('Max items')
  })
})

describe('notification text and formatting', () => {
  it('describes endings and input requests; job-created is silent', () => {
    const base = { id: 1, at: 0, jobId: 'j', threadId: 't', title: 'Report' }
    expect(describeNotification({ ...base, type: 'job-end', status: 'completed' })).toMatchObject({ title: '“Report” finished', tone: 'success' })
    expect(describeNotification({ ...base, type: 'input-request', status: 'waiting', prompt: 'Approve?' })).toMatchObject({ body: 'Approve?', tone: 'warning' })
    expect(describeNotification({ ...base, type: 'job-created', status: 'queued' })).toBeNull()
    // An answer given elsewhere only refreshes the lists ("needs you" goes), without a toast.
    expect(describeNotification({ ...base, type: 'input-answered', status: 'running', requestId: 'r1' })).toBeNull()
    // A stopped job may have written nothing (or be a workflow, whose steps are what is kept).
    expect(describeNotification({ ...base, type: 'job-end', status: 'aborted' })).toEqual({ title: '“Report” was stopped', body: 'Open the thread to see how far it got.', tone: 'info' })
    expect(notificationKey({ ...base, type: 'job-end', status: 'failed' })).toBe('job-end:j:')
  })

  it('formats durations, arguments and relative times', () => {
    expect([formatDuration(850), formatDuration(1_234), formatDuration(42_000), formatDuration(125_000), formatDuration(undefined)])
      .toEqual(['850 ms', '1.2 s', '42 s', '2 min 5 s', ''])
    expect(formatArgs({ path: 'notes.txt', force: true })).toBe('path: "notes.txt", force: true')
    expect(formatRelativeTime(0, 10_000)).toBe('just now')
    expect(formatRelativeTime(0, 5 * 60_000)).toBe('5 min ago')
  })
})
