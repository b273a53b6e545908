/**
 * A user message with files and no text (`sendMessage({ files })`) is refused (file parts are not
 * supported), and the SDK keeps it in its list: every later turn posts it back. It carries no
 * text for the model, so it is left out of the history, never a 400 on every later turn. A blank
 * message the turn answers is still refused.
 */
import { describe, expect, it, vi } from 'vitest'
import { chatTurnHistory } from '../support/chat-turn-history'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const FILE = { type: 'file', mediaType: 'image/png', url: 'data:image/png;base64,iVBORw0KGgo=' }
const user = (id: string, ...parts: Array<Record<string, unknown>>) => ({ id, role: 'user' as const, parts })
const text = (value: string) => ({ type: 'text', text: value })

/** The model's history of the job a post would start. */
const historyOf = (body: unknown) => chatTurnHistory(body)

describe('an earlier user message with no text', () => {
  it('files only, refused when sent: the next turn is taken, without it in the history', () => {
    expect(() => historyOf({ id: 'chat', messages: [user('u1', FILE)] })).toThrow(/^messages\.0\.parts\.0: file parts \(image\/png\) are not supported/)
    expect(historyOf({ id: 'chat', messages: [user('u1', FILE), user('u2', text('Then just say hello'))] }))
      .toEqual([{ role: 'user', content: 'Then just say hello' }])
  })

  it('the message the turn answers is still refused when blank, named as posted', () => {
    expect(() => historyOf({ id: 'chat', messages: [user('u1', FILE), user('u2', text('  '))] }))
      .toThrow(/^messages\.1\.parts \(their text\): must not be empty/)
  })
})
