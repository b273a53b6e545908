/**
 * A failed answer in the demo chat (Chromium): the turn said "Failed: The model stream reported an
 * error: Scripted failure: …" — the engine's words, for a developer. It now says what happened in a
 * plain sentence for the kind of failure (lib/failure-kinds.ts), keeps the code and the server's
 * message under a "Details" disclosure (closed), and offers Retry under it as before.
 */
import { describe, expect, it } from 'vitest'
import { failureSentence } from '../../demo/app/lib/failure-kinds'
import { useDemoInBrowser, WAIT_MS } from './support/browser'
import { openChat, screenshotBothLooks, send, serverState, turn, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

describe('demo chat: a failed answer', () => {
  it('says what happened in a plain sentence, the code and message under Details, with Retry', async () => {
    const page = await openChat(demo)
    // The scripted model fails a third of the way into its answer (an error chunk mid-stream).
    const jobId = await send(page, 'please fail')
    await waitForStatus(page, jobId, 'failed')
    const { error, content } = await serverState(page, jobId)
    expect(content.length).toBeGreaterThan(0)

    const failed = turn(page, jobId)
    const sentence = failed.locator('.failure-note [role="alert"]')
    expect((await sentence.textContent())?.trim()).toBe(failureSentence(error!, true))
    // Nothing of the engine's words in sight…
    const shown = await failed.locator('.failure-note').innerText()
    expect(shown).not.toContain(error!.code)
    expect(shown).not.toContain('Scripted failure')
    // … but under Details, closed until asked.
    const details = failed.locator('.failure-details')
    expect(await details.evaluate((element: HTMLDetailsElement) => element.open)).toBe(false)
    await details.getByText('Details').click()
    expect(await details.locator('dd').allTextContents()).toEqual(expect.arrayContaining([error!.code, error!.message]))
    // Retry, as before, right under it.
    expect(await failed.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true)
    await failed.locator('.failure-note').scrollIntoViewIfNeeded()
    await screenshotBothLooks(page, 'failed-answer')

    await failed.getByRole('button', { name: 'Retry' }).click()
    await page.locator('.turn').nth(1).waitFor({ timeout: WAIT_MS })
  })
})
