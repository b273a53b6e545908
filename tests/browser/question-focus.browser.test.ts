/**
 * Where the keyboard's focus goes when a job asks the user something. Someone waiting in the empty
 * message box (nothing typed there since they sent) has nothing else to do: the question gets the
 * focus — a form's text field, so the answer is typed at once; a tool approval's box itself, not
 * Approve, so a stray Space or Enter approves nothing. Someone typing keeps the box.
 */
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat as openChatPage, send, serverState, turn, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()
const openChat = (): Promise<Page> => openChatPage(demo)
const composer = (page: Page) => page.locator('#composer-input')
/** The focused element: its id, else its tag and classes. */
const focused = (page: Page) => page.evaluate(() => {
  const element = document.activeElement
  return element?.id || `${element?.tagName}.${element?.className}`
})
const focusInQuestion = (page: Page) => page.waitForFunction(() => document.activeElement?.closest('.input-prompt') !== null, null, { timeout: WAIT_MS })

describe('demo chat: a job\'s question and the focus', () => {
  it('moves the focus from the empty box to a workflow form\'s text field, and to the next question after an answer', async () => {
    const page = await openChat()
    const jobId = await send(page, '/workflow research-report tidal power')
    await turn(page, jobId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
    await focusInQuestion(page)
    expect(await focused(page)).toMatch(/-feedback$/)

    await page.keyboard.type('Add costs')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Reject')
    await page.keyboard.press('Enter')
    // The answer taken, the focus waits in the box; the draft's second question takes it again.
    await turn(page, jobId).locator('.workflow-node', { hasText: 'Approval (2nd time)' }).waitFor({ timeout: WAIT_MS })
    await turn(page, jobId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
    await focusInQuestion(page)
    expect(await focused(page)).toMatch(/-feedback$/)
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('')
  })

  it('moves it to a tool approval\'s box, not to Approve: Space and Enter there approve nothing; Tab reaches Approve', async () => {
    const page = await openChat()
    const jobId = await send(page, 'Please delete notes.txt')
    await turn(page, jobId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
    await focusInQuestion(page)
    expect(await focused(page)).toBe('SECTION.input-prompt')
    await page.keyboard.press('Space')
    await page.keyboard.press('Enter')
    expect((await serverState(page, jobId)).pendingInputs).toHaveLength(1)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approve')
    await page.keyboard.press('Enter')
    await waitForStatus(page, jobId, 'completed')
  })

  for (const typing of [{ name: 'a draft in the box', keys: ['H', 'i'], left: 'Hi' }, { name: 'typed since the send, then taken out', keys: ['a', 'Backspace'], left: '' }]) {
    it(`leaves the focus in the box when a question comes from another tab's job (${typing.name})`, async () => {
      const page = await openChat()
      const first = await send(page, 'Hello')
      await waitForStatus(page, first, 'completed')
      await composer(page).focus()
      for (const key of typing.keys) await page.keyboard.press(key)
      // Another tab of this user starts a workflow in this thread.
      const other = await page.context().newPage()
      await gotoChat(other, page.url())
      const jobId = await send(other, '/workflow research-report elsewhere')
      await turn(page, jobId).locator('.input-prompt').waitFor({ timeout: WAIT_MS })
      // The question is drawn: a move of the focus would be done by now (it happens on its mount).
      await page.evaluate(() => new Promise(resolve => requestAnimationFrame(resolve)))
      expect(await focused(page)).toBe('composer-input')
      expect(await composer(page).inputValue()).toBe(typing.left)
    })
  }
})
