/**
 * A thread edited on the AI SDK page, then continued in the main chat. The edit of an earlier
 * message drops the turns after it: the messages route shows [First edited]. The main chat built
 * its next request's history from every job of the thread, keeping only the newest answer per
 * message, in the jobs' order: it sent the model [Second, First edited, Next] — a turn the user had
 * dropped, before the edited one. The main chat must send the model the turns the AI SDK page
 * shows (both read them with `currentTurns`, shared/current-turns.ts). Real `Chat` from
 * `@ai-sdk/vue` and the stock transport against the real routes; the main chat's history from its
 * own helpers, fed as ThreadView feeds them.
 */
import { describe, expect, it, vi } from 'vitest'
import { crossPageChat, echoAnswer, said } from '../support/cross-page-chat'
import { useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: echoAnswer }, now: () => Date.now() })
useFakedJobClock(app)
const { loaded, mainChatHistory, mainChatSends, editedOnAiSdkPage } = crossPageChat(app)

describe('the main chat after an edit on the AI SDK page', () => {
  it('sends the model the turns the AI SDK page shows, not the turn the edit dropped', async () => {
    const chatId = 'chat-edited-then-main-chat'
    await editedOnAiSdkPage(chatId)
    // Before: [Second, Answer to Second, First edited, Answer to First edited, Next].
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([...await loaded(chatId), ['user', 'Next']])
    await mainChatSends(chatId, 'Next')
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited'], ['user', 'Next'], ['assistant', 'Answer to Next']])
    expect(said(await mainChatHistory(chatId, 'Then'))).toEqual([...await loaded(chatId), ['user', 'Then']])
  })

  it('a main-chat Regenerate of the edited message is sent without the dropped turn either', async () => {
    const chatId = 'chat-edited-then-regenerated'
    const chat = await editedOnAiSdkPage(chatId)
    // Before: [Second, Answer to Second, First edited].
    expect(said(await mainChatHistory(chatId, 'First edited', chat.messages[0]!.id))).toEqual([['user', 'First edited']])
  })
})
