/**
 * A thread edited on the AI SDK page (First, Second, then First edited: the page shows [First
 * edited]), then the edited message regenerated in the main chat (`POST /api/jobs` with its
 * `messageId`, placed last). The place-and-drop rule (shared/current-turns.ts) placed the turns
 * by their jobs' times and dropped a turn only while an edited turn before it was newer: once the
 * main chat's answer moved the edited turn last, nothing before Second was newer, and Second came
 * back — on the AI SDK page after a reload, and in the main chat's next history — although the
 * user had removed it and the regenerated answer was made without it.
 */
import { describe, expect, it, vi } from 'vitest'
import { crossPageChat, echoAnswer, said } from '../support/cross-page-chat'
import { useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: echoAnswer }, now: () => Date.now() })
useFakedJobClock(app)
const { loaded, mainChatHistory, mainChatSends, editedOnAiSdkPage } = crossPageChat(app)

describe('a message edited on the AI SDK page, then answered again in the main chat', () => {
  it('does not bring back the turn the edit dropped', async () => {
    const chatId = 'chat-edited-then-regenerated-in-main-chat'
    const chat = await editedOnAiSdkPage(chatId)
    // The main chat's Regenerate of the edited message (ThreadView's `send` with `retrying`).
    await mainChatSends(chatId, 'First edited', chat.messages[0]!.id)
    // Before: [Second, Answer to Second, First edited, Answer to First edited].
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited']])
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([...await loaded(chatId), ['user', 'Next']])
  })
})
