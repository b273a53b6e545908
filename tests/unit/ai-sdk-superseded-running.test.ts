/**
 * The neighbours of "a new message while an answer waits for approval", driven through the chat
 * route with the real executor: the stop button (the client aborts its fetch; the job runs on),
 * then a new message, a regenerate, an edit of that message or of an earlier one; and two tabs
 * sending at once. Each leaves one answer going on in the thread, and the one it supersedes ended
 * `aborted` with the text it had — once, whatever raced.
 */
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { JobProvider } from '../../server/lib/providers/types'
import { SUPERSEDED_REASON } from '../../server/lib/ai-sdk/superseded-jobs'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { countingUpstream, deleteTool, longAnswerModel, postAndStop, postTurn, textMessage } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const long = textMessage('u-1', 'user', 'Write a long story')
const chatId = () => `chat-${Math.random().toString(36).slice(2)}`

/** Runs `test` against the served chat route, on a model that streams "long" answers until stopped. */
async function withLongAnswers(test: (app: RouteApp) => Promise<void>, options: Pick<Parameters<typeof serveRoutes>[0] & object, 'config' | 'wrap'> = {}): Promise<void> {
  const app = await serveRoutes({ runners: { chat: runChatJob }, model: longAnswerModel(), ...options })
  try {
    await test(app)
  }
  finally {
    await app.close()
  }
}

/** The thread's jobs as [id, status], and the state of job `id`. */
async function thread(app: RouteApp, id: string) {
  const jobs = await app.engine.listJobs('user-1', { threadId: id })
  return { going: jobs.filter(job => ['queued', 'running', 'waiting'].includes(job.status)).map(job => job.id), statuses: Object.fromEntries(jobs.map(job => [job.id, job.status])) }
}

describe('the stop button, then the next turn, while the answer still streams', () => {
  it('stop alone leaves the answer running; a new message then ends it aborted with its partial text', async () => {
    await withLongAnswers(async (app) => {
      const id = chatId()
      const old = await postAndStop(app.base, { id, messages: [long], trigger: 'submit-message' })
      expect((await app.engine.getJob('user-1', old)).state.status).toBe('running')
      const next = await postTurn(app.base, { id, messages: [long, textMessage(old, 'assistant', 'Partial '), textMessage('u-2', 'user', 'Say hello')], trigger: 'submit-message' })
      expect(next.body).toContain('Hello.')
      const { state } = await app.engine.getJob('user-1', old)
      expect(state).toMatchObject({ status: 'aborted', content: 'Partial ' })
      expect((await thread(app, id)).statuses).toEqual({ [old]: 'aborted', [next.jobId!]: 'completed' })
    })
  })

  const replacing: Array<[string, unknown, string]> = [
    ['regenerate()', { messages: [long], trigger: 'regenerate-message' }, 'running'],
    ['an edit of the message it answers', { messages: [textMessage('u-1', 'user', 'Say hello instead')], trigger: 'submit-message', messageId: 'u-1' }, 'completed'],
  ]
  it.each(replacing)('%s ends it aborted with its partial text; the new answer is the one going on', async (_case, body, newStatus) => {
    await withLongAnswers(async (app) => {
      const id = chatId()
      const old = await postAndStop(app.base, { id, messages: [long], trigger: 'submit-message' })
      const next = newStatus === 'running' ? await postAndStop(app.base, { id, ...body as object }) : (await postTurn(app.base, { id, ...body as object })).jobId!
      expect((await app.engine.getJob('user-1', old)).state).toMatchObject({ status: 'aborted', content: 'Partial ' })
      const { going, statuses } = await thread(app, id)
      expect(statuses).toEqual({ [old]: 'aborted', [next]: newStatus })
      expect(going).toEqual(newStatus === 'running' ? [next] : [])
    })
  })

  it('an edit of an earlier message ends the later answer still streaming (its turn is dropped), with its partial text', async () => {
    await withLongAnswers(async (app) => {
      const id = chatId()
      const first = textMessage('u-1', 'user', 'Hi')
      const answered = await postTurn(app.base, { id, messages: [first], trigger: 'submit-message' })
      const later = textMessage('u-2', 'user', 'Now a long one')
      const old = await postAndStop(app.base, { id, messages: [first, textMessage(answered.jobId!, 'assistant', 'Hello.'), later], trigger: 'submit-message' })
      const edited = await postTurn(app.base, { id, messages: [textMessage('u-1', 'user', 'Hello there')], trigger: 'submit-message', messageId: 'u-1' })
      expect((await app.engine.getJob('user-1', old)).state).toMatchObject({ status: 'aborted', content: 'Partial ' })
      expect((await thread(app, id)).statuses).toEqual({ [answered.jobId!]: 'completed', [old]: 'aborted', [edited.jobId!]: 'completed' })
    })
  })

  it('two tabs sending at once past the stopped answer, at one job per user: it is aborted with its partial text, one new answer runs, the other tab gets a 429', async () => {
    // The race: both tabs list the stopped answer as active; the first tab's job is created and
    // ends it; only then is the second tab's created — the stopped answer's slot is the first's by then.
    let old = ''
    let creates = 0
    let secondArrived: () => void = () => {}
    const bothListed = new Promise<void>(resolve => (secondArrived = resolve))
    let oldEnded: () => void = () => {}
    const ended = new Promise<void>(resolve => (oldEnded = resolve))
    const wrap = (provider: JobProvider): JobProvider => ({
      ...provider,
      create: async (record, options) => {
        const creation = ++creates
        if (creation === 2) await bothListed
        if (creation === 3) {
          secondArrived()
          await ended
        }
        return await provider.create(record, options)
      },
      appendEvents: async (jobId, events, options) => {
        const result = await provider.appendEvents(jobId, events, options)
        if (jobId === old && events.some(event => event.type === 'job-end')) oldEnded()
        return result
      },
    })
    await withLongAnswers(async (app) => {
      const id = chatId()
      old = await postAndStop(app.base, { id, messages: [long], trigger: 'submit-message' })
      const history = [long, textMessage(old, 'assistant', 'Partial ')]
      // Both ask for long answers: each would hold the one slot while the other is created.
      const tabs = await Promise.allSettled(['u-2', 'u-3'].map(user => postAndStop(app.base, { id, messages: [...history, textMessage(user, 'user', `Another long one (${user})`)], trigger: 'submit-message' })))
      // Before: both 200 — each counted the stopped answer's slot as free, though one slot it was.
      expect(tabs.map(tab => tab.status).sort()).toEqual(['fulfilled', 'rejected'])
      expect(tabs.find(tab => tab.status === 'rejected')).toMatchObject({ reason: { message: expect.stringContaining('answered 429') } })
      const { state } = await app.engine.getJob('user-1', old)
      expect(state).toMatchObject({ status: 'aborted', content: 'Partial ' })
      const started = tabs.find(tab => tab.status === 'fulfilled')!.value
      expect(await thread(app, id)).toEqual({ going: [started], statuses: { [old]: 'aborted', [started]: 'running' } })
    }, { config: { limits: { maxConcurrentJobsPerUser: 1 } }, wrap })
  })
})

describe('two tabs sending at once while the answer waits for a tool approval', () => {
  it('the approval is answered once ("not approved"), the job ends aborted, no model round after the answer; each tab\'s new message is answered', async () => {
    const upstream = countingUpstream()
    const app = await serveRoutes({ runners: { chat: runChatJob }, model: upstream.model, tools: deleteTool().tools })
    try {
      const id = chatId()
      const ask = textMessage('u-1', 'user', 'Please delete a.txt')
      const old = (await postTurn(app.base, { id, messages: [ask], trigger: 'submit-message' })).jobId!
      const history = [ask, textMessage(old, 'assistant', 'Deleting it. ')]
      const tabs = await Promise.all(['u-2', 'u-3'].map(user => postTurn(app.base, { id, messages: [...history, textMessage(user, 'user', `Say hello (${user})`)], trigger: 'submit-message' })))
      expect(tabs.map(tab => tab.status)).toEqual([200, 200])
      const { state } = await app.engine.getJob('user-1', old)
      expect(state.status).toBe('aborted')
      expect(state.answeredInputs).toEqual([expect.objectContaining({ answer: { approved: false, reason: SUPERSEDED_REASON } })])
      expect(upstream.afterToolResults()).toBe(0)
      // The tabs' own messages are each answered (a tab never ends the answer it does not show: docs/ai-sdk.md).
      expect(upstream.sent).toHaveLength(3)
      expect((await thread(app, id)).going).toEqual([])
    }
    finally {
      await app.close()
    }
  })
})
