/**
 * A chat job answers the last message of its body, so that must be the user's. A body of
 * assistant messages only, or one whose last message is the assistant's, was taken (202): the
 * model was asked to answer nothing — it wrote on from its own words, or the endpoint refused the
 * round mid-job. Now a 400 names the message; a body ending with the user's (system messages after
 * it are ignored, as before) still starts a job.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

async function post(messages: unknown[]) {
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) })
  return { status: response.status, body: await response.json() as { message?: string, id?: string } }
}

const user = (content: string) => ({ role: 'user', content })
const assistant = (content: string) => ({ role: 'assistant', content })
const system = (content: string) => ({ role: 'system', content })

describe('POST /api/jobs with nothing for the chat to answer', () => {
  it('assistant messages only: a 400 naming the last one and saying it must be the user\'s', async () => {
    const { status, body } = await post([assistant('Hello'), assistant('Anything else?')])
    expect(status).toBe(400)
    expect(body.message).toBe('messages.1.role: the last message must be the user\'s, not the assistant\'s: a chat job answers it (system messages are not counted: set prompts in the background-jobs:upstream-request hook)')
  })

  it('the assistant\'s message last after a user\'s (a system one after it not counted): a 400 naming it', async () => {
    const { status, body } = await post([user('Hi'), assistant('Hello'), system('Be brief')])
    expect(status).toBe(400)
    expect(body.message).toMatch(/^messages\.1\.role: the last message must be the user's, not the assistant's/)
  })

  it('system messages only: a 400 saying there is no user message', async () => {
    const { status, body } = await post([system('You are terse.')])
    expect(status).toBe(400)
    expect(body.message).toBe('messages: holds no user message: a chat job answers the last message, which must be the user\'s (system messages are not counted: set prompts in the background-jobs:upstream-request hook)')
  })

  it('the user\'s message last (after a history, or with a system message after it) still starts a job', async () => {
    for (const messages of [[user('Hi'), assistant('Hello'), user('Go on')], [user('Hi'), system('Be brief')]]) {
      const { status, body } = await post(messages)
      expect(status).toBe(202)
      expect(body.id).toEqual(expect.any(String))
    }
  })
})
