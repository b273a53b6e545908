/**
 * "Edit" of a user message in the main chat, as in ChatGPT: Save asks the edited message again in
 * its place and the turns after it leave the view and the next history. The main chat posts the
 * edit to the AI SDK route (lib/message-edit.ts), which places it in place and drops the later
 * turns (shared/current-turns.ts) — a fact of the thread's jobs, so it holds after a reload and in
 * every tab; the view then leaves out what the edit dropped and shows the message's earlier answers
 * as earlier versions of its turn (lib/answer-versions.ts). The
 * real routes serve the thread; the main chat's messages go as ThreadView sends them.
 */
import { describe, expect, it, vi } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'
import { composerKeyAction } from '../../demo/app/lib/composer-keys'
import { newestVersion, turnVersions } from '../../demo/app/lib/answer-versions'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { editBody, editedMessageId, startedJobIdOf } from '../../demo/app/lib/message-edit'
import { sortOldestFirst } from '../../demo/app/lib/threads'
import { jobEnded } from '../support/approval-chat'
import { crossPageChat, echoAnswer, said } from '../support/cross-page-chat'
import { tick, useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: echoAnswer }, now: () => Date.now() })
useFakedJobClock(app)
const { loaded, mainChatHistory, mainChatSends } = crossPageChat(app)

function job(id: string, createdAt: number, extra: Partial<ThreadJob> = {}): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: id, prompt: id, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0, ...extra }
}

async function threadJobs(chatId: string): Promise<JobSummary[]> {
  return sortOldestFirst(((await (await fetch(`${app.base}/api/jobs?threadId=${chatId}`)).json()) as { jobs: JobSummary[] }).jobs)
}

/** The main chat's Save: the edit posted as useMessageEdit posts it; the new job's id, read from the stream. */
async function mainChatEdits(chatId: string, edited: JobSummary, text: string): Promise<string> {
  tick()
  const messageId = editedMessageId(edited, await threadJobs(chatId))
  const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(editBody(chatId, messageId, text, true)) })
  expect(response.status).toBe(200)
  const jobId = startedJobIdOf(await response.text())
  expect(jobId).toBeTypeOf('string')
  await jobEnded(app, jobId!)
  return jobId!
}

/** The prompts the main chat shows for the thread, each turn's newest version (after a reload, or in another tab: from the list). */
async function shownPrompts(chatId: string): Promise<string[]> {
  return turnVersions(await threadJobs(chatId)).map(turn => newestVersion(turn).prompt ?? '')
}

describe('the main chat\'s Edit of a message', () => {
  it('asks the edited message again in its place: the later turns leave the view and the history', async () => {
    const chatId = 'chat-main-edit-first'
    await mainChatSends(chatId, 'First')
    await mainChatSends(chatId, 'Second')
    await mainChatSends(chatId, 'Third')
    const [first] = await threadJobs(chatId)
    await mainChatEdits(chatId, first!, 'First edited')
    expect(await shownPrompts(chatId)).toEqual(['First edited'])
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited'], ['user', 'Next']])
    // The AI SDK page shows the same.
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited']])
  })

  it('edits a message the main chat answered again (Regenerate) under the id the messages route gives it', async () => {
    const chatId = 'chat-main-edit-regenerated'
    await mainChatSends(chatId, 'First')
    const [first] = await threadJobs(chatId)
    await mainChatSends(chatId, 'First', first!.id)
    await mainChatSends(chatId, 'Second')
    const regenerated = (await threadJobs(chatId))[1]!
    expect(editedMessageId(regenerated, await threadJobs(chatId))).toBe(`${first!.id}:user`)
    await mainChatEdits(chatId, regenerated, 'First edited')
    expect(await shownPrompts(chatId)).toEqual(['First edited'])
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited'], ['user', 'Next']])
  })

  it('edits the middle message: the turns before it stay, in the view and the history', async () => {
    const chatId = 'chat-main-edit-middle'
    await mainChatSends(chatId, 'First')
    await mainChatSends(chatId, 'Second')
    await mainChatSends(chatId, 'Third')
    await mainChatEdits(chatId, (await threadJobs(chatId))[1]!, 'Second edited')
    expect(await shownPrompts(chatId)).toEqual(['First', 'Second edited'])
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([['user', 'First'], ['assistant', 'Answer to First'], ['user', 'Second edited'], ['assistant', 'Answer to Second edited'], ['user', 'Next']])
  })
})

describe('editedMessageId', () => {
  it('names a first answer `<jobId>:user`, an AI SDK message by its own id', () => {
    expect(editedMessageId(job('j1', 1), [job('j1', 1)])).toBe('j1:user')
    expect(editedMessageId(job('j2', 2, { messageId: 'msg-a' }), [job('j2', 2, { messageId: 'msg-a' })])).toBe('msg-a')
    expect(editedMessageId(job('j3', 3, { messageId: 'j1:user' }), [job('j3', 3, { messageId: 'j1:user' })])).toBe('j1:user')
  })
})

describe('editBody and startedJobIdOf', () => {
  it('posts the message only, with the tools switched off when the composer says so', () => {
    expect(editBody('t1', 'j1:user', 'Hi', false)).toEqual({ id: 't1', message: { id: 'j1:user', role: 'user', parts: [{ type: 'text', text: 'Hi' }] }, trigger: 'submit-message', messageId: 'j1:user', tools: [] })
    expect(editBody('t1', 'j1:user', 'Hi', true)).not.toHaveProperty('tools')
  })

  it('reads the job id once its start chunk has come whole', () => {
    expect(startedJobIdOf('data: {"type":"start","messa')).toBeUndefined()
    expect(startedJobIdOf('data: {"type":"start","messageId":"job-1"}\n\ndata: {"type":"start-step"}\n')).toBe('job-1')
  })
})

describe('composerKeyAction', () => {
  const key = (key: string, extra: Partial<KeyboardEvent> = {}) => composerKeyAction({ key, shiftKey: false, isComposing: false, keyCode: 0, ...extra })
  it('saves on Enter and Ctrl+Enter, adds a line on Shift+Enter, cancels on Escape, leaves an input method alone', () => {
    expect(key('Enter')).toBe('save')
    expect(key('Enter', { ctrlKey: true })).toBe('save')
    expect(key('Enter', { shiftKey: true })).toBeNull()
    expect(key('Escape')).toBe('cancel')
    // Shift+Escape is the page's "focus the message box" (lib/focus-box-key.ts), never a stop.
    expect(key('Escape', { shiftKey: true })).toBeNull()
    expect(key('Enter', { isComposing: true })).toBeNull()
    expect(key('Enter', { keyCode: 229 })).toBeNull()
    expect(key('a')).toBeNull()
  })

  it('on a touch screen adds a line on Enter (its keyboard has no Shift+Enter); Ctrl/⌘+Enter still sends', () => {
    const touch = (key: string, extra: Partial<KeyboardEvent> = {}) => composerKeyAction({ key, shiftKey: false, isComposing: false, keyCode: 0, ...extra }, { enterAddsLine: true })
    expect(touch('Enter')).toBeNull()
    expect(touch('Enter', { shiftKey: true })).toBeNull()
    expect(touch('Enter', { ctrlKey: true })).toBe('save')
    expect(touch('Enter', { metaKey: true })).toBe('save')
    expect(touch('Escape')).toBe('cancel')
  })
})
