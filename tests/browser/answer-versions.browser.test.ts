/**
 * Versions of an answer in place, as ChatGPT and Claude show them (Chromium): Regenerate keeps one
 * turn for the message and shows the new answer as "2 / 2" under it, "Previous version" brings the
 * first answer back (the focus staying on the switcher, a screen reader hearing "Version 1 of 2"),
 * and a reload keeps the versions, since they are the server's jobs answering the same message. On
 * a phone, a new version streams in place (the switcher saying so while the first is looked at),
 * Stop still stops it and Retry makes a third version.
 * Before, each Regenerate or Retry added a turn with the same prompt below the old one.
 * A version that comes from another tab while this one's focus is in the version shown moves the
 * focus with it (before, it fell to <body>).
 */
import { describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { LONG_PROMPT, MID_ANSWER_CHARS, PHONE, screenshot, useDemoInBrowser, WAIT_MS } from './support/browser'
import { gotoChat, openChat, send, turn, waitForAnswerChars, waitForStatus } from './support/chat-page'

const demo = useDemoInBrowser()

/** The turn groups on the page (one per user message). */
const groups = (page: Page) => page.locator('.turn-versions')
/** The version a group shows. */
const shownTurn = (page: Page, index = 0) => groups(page).nth(index).locator('.turn:visible')
const counter = (page: Page, index = 0) => groups(page).nth(index).locator('.version-count [aria-hidden="true"]')

/** Waits until group `index` shows a version other than `jobId`, and returns its job id. */
async function newVersionOf(page: Page, jobId: string, index = 0): Promise<string> {
  await page.waitForFunction(([at, old]) => {
    const shown = [...document.querySelectorAll('.turn-versions')][at as number]?.querySelector<HTMLElement>('.turn:not([style*="display: none"])')
    return shown && shown.dataset.jobId !== old
  }, [index, jobId] as const, { timeout: WAIT_MS })
  return (await shownTurn(page, index).getAttribute('data-job-id'))!
}

/** A thread with one answered message, open in two tabs of the same user (`other`: another tab's Regenerate). */
async function answeredInTwoTabs(): Promise<{ page: Page, other: Page, first: string }> {
  const page = await openChat(demo)
  const first = await send(page, 'Hello there')
  await waitForStatus(page, first, 'completed')
  const other = await page.context().newPage()
  await gotoChat(other, page.url())
  await waitForStatus(other, first, 'completed')
  return { page, other, first }
}

/** Where an element's content starts on screen (inside its border and padding). */
const contentLeft = (locator: Locator) => locator.evaluate((element) => {
  const style = getComputedStyle(element)
  return element.getBoundingClientRect().left + Number.parseFloat(style.borderLeftWidth) + Number.parseFloat(style.paddingLeft)
})

const answerText = async (page: Page, jobId: string) => (await turn(page, jobId).locator('.answer').textContent())!.trim()

describe('demo chat: versions of an answer', () => {
  it('shows a regenerated answer as version 2 of 2 in place; version 1 shows the first answer, also after a reload', async () => {
    const page = await openChat(demo)
    // The time tool's answer differs between two runs (the time is in it): two versions, two texts.
    const first = await send(page, 'What time is it?')
    await waitForStatus(page, first, 'completed')
    const firstText = await answerText(page, first)
    expect(await groups(page).locator('.version-switcher').count()).toBe(0)

    await turn(page, first).getByRole('button', { name: 'Regenerate' }).click()
    const second = await newVersionOf(page, first)
    await waitForStatus(page, second, 'completed')
    // One turn for the message, the new answer in it: before, a second turn with the same prompt below.
    expect(await groups(page).count()).toBe(1)
    expect(await page.locator('.turn:visible').count()).toBe(1)
    expect(await counter(page).textContent()).toBe('2 / 2')
    // Its "‹" starts where the answer's Copy (and text) does, not indented by the button's padding.
    expect(await contentLeft(page.locator('.version-previous'))).toBe(await contentLeft(shownTurn(page).locator('.copy-answer')))
    const secondText = await answerText(page, second)
    expect(secondText).not.toBe(firstText)
    expect(await page.locator('.thread-announcer').textContent()).toContain('Version 2 of 2.')
    await screenshot(page, 'versions-1-regenerated')

    // Back to the first answer, from the keyboard: the focus stays on the switcher.
    await page.getByRole('button', { name: 'Previous version' }).focus()
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.querySelector('.version-count [aria-hidden="true"]')?.textContent === '1 / 2', null, { timeout: WAIT_MS })
    expect(await shownTurn(page).getAttribute('data-job-id')).toBe(first)
    expect(await answerText(page, first)).toBe(firstText)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Previous version')
    expect(await page.getByRole('button', { name: 'Previous version' }).getAttribute('aria-disabled')).toBe('true')
    expect(await page.locator('.thread-announcer').textContent()).toContain('Version 1 of 2.')
    // An earlier version says the conversation goes on with the newest one, and offers no Regenerate.
    expect(await shownTurn(page).locator('.out-of-conversation-note').textContent()).toContain('An earlier version')
    expect(await shownTurn(page).locator('.regenerate-answer').count()).toBe(0)
    await screenshot(page, 'versions-2-previous')

    // A reload: the same turn, its two versions, the version chosen shown (before: the newest),
    // with no Edit on it (an earlier version is a look back); Next goes back to the newest.
    await gotoChat(page, page.url())
    await waitForStatus(page, first, 'completed')
    expect(await groups(page).count()).toBe(1)
    await page.waitForFunction(() => document.querySelector('.version-count [aria-hidden="true"]')?.textContent === '1 / 2', null, { timeout: WAIT_MS })
    expect(await shownTurn(page).getAttribute('data-job-id')).toBe(first)
    expect(await answerText(page, first)).toBe(firstText)
    expect(await shownTurn(page).locator('.edit-button').count()).toBe(0)
    await screenshot(page, 'versions-2b-previous-after-reload')
    await page.getByRole('button', { name: 'Next version' }).click()
    await waitForStatus(page, second, 'completed')
    expect(await answerText(page, second)).toBe(secondText)
    expect(await counter(page).textContent()).toBe('2 / 2')
    expect(await shownTurn(page).locator('.edit-button').count()).toBe(1)
    // Back on the newest: the next reload shows the newest.
    await gotoChat(page, page.url())
    await waitForStatus(page, second, 'completed')
    expect(await counter(page).textContent()).toBe('2 / 2')
  })

  it('on a phone, streams a new version in place, stops it, and retries it as a third', async () => {
    const page = await openChat(demo, { viewport: PHONE, touch: true })
    const first = await send(page, 'Hello there')
    await waitForStatus(page, first, 'completed')
    const second = await send(page, LONG_PROMPT)
    await waitForStatus(page, second, 'completed')

    await turn(page, second).getByRole('button', { name: 'Regenerate' }).tap()
    const third = await newVersionOf(page, second, 1)
    // Live in place: the second turn's new version writes while "2 / 2" is under it.
    await waitForAnswerChars(page, third, MID_ANSWER_CHARS)
    expect(await turn(page, third).getAttribute('data-status')).toBe('running')
    expect(await counter(page, 1).textContent()).toBe('2 / 2')
    await screenshot(page, 'versions-3-phone-streaming')
    // Back to the first answer while the new one writes: the switcher says the newest still is, on one line.
    await page.getByRole('button', { name: 'Previous version' }).tap()
    const note = groups(page).nth(1).locator('.version-newest-note')
    expect(await note.textContent()).toBe('newest writing…')
    const [noteBox, countBox] = [(await note.boundingBox())!, (await counter(page, 1).boundingBox())!]
    expect(noteBox.x + noteBox.width).toBeLessThanOrEqual(PHONE.width)
    expect(Math.abs(noteBox.y - countBox.y)).toBeLessThan(countBox.height)
    await screenshot(page, 'versions-3-phone-newest-writing')
    await page.getByRole('button', { name: 'Next version' }).tap()

    await page.locator('.composer-stop').tap()
    await waitForStatus(page, third, 'aborted')
    await turn(page, third).getByRole('button', { name: 'Retry' }).tap()
    const fourth = await newVersionOf(page, third, 1)
    await waitForStatus(page, fourth, 'completed')
    expect(await groups(page).count()).toBe(2)
    expect(await counter(page, 1).textContent()).toBe('3 / 3')

    // A finger finds the switcher's buttons (40 px), and nothing of the turn runs off the screen.
    for (const name of ['Previous version', 'Next version']) {
      const box = (await page.getByRole('button', { name }).boundingBox())!
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(40)
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width)
    }
    await page.getByRole('button', { name: 'Previous version' }).tap()
    await page.waitForFunction(() => [...document.querySelectorAll('.version-count [aria-hidden="true"]')].at(-1)?.textContent === '2 / 3', null, { timeout: WAIT_MS })
    expect(await shownTurn(page, 1).getAttribute('data-job-id')).toBe(third)
    expect(await shownTurn(page, 1).locator('.turn-note').first().textContent()).toContain('An earlier version')
    await groups(page).nth(1).scrollIntoViewIfNeeded()
    await screenshot(page, 'versions-4-phone-previous')
  })
  it('keeps the keyboard\'s focus in the turn when another tab\'s Regenerate hides the version that had it', async () => {
    const { page, other, first } = await answeredInTwoTabs()
    const focused = () => page.evaluate(() => {
      const active = document.activeElement!
      return { tag: active.tagName, label: active.getAttribute('aria-label') ?? active.textContent!.trim().slice(0, 40), jobId: active.closest<HTMLElement>('.turn')?.dataset.jobId ?? null }
    })

    // Copy has the focus; the new version, still on its way, has none: the switcher gets it.
    await turn(page, first).locator('.copy-answer').focus()
    await turn(other, first).getByRole('button', { name: 'Regenerate' }).click()
    const second = await newVersionOf(page, first)
    // Before: { tag: 'BODY', … } — a keyboard or screen-reader user back at the top of the page.
    expect(await focused()).toEqual({ tag: 'BUTTON', label: 'Previous version', jobId: null })
    await waitForStatus(page, second, 'completed')
    await waitForStatus(other, second, 'completed')

    // Edit (the message's) has the focus: the same control in the new version gets it.
    await turn(page, second).getByRole('button', { name: 'Edit message' }).focus()
    await turn(other, second).getByRole('button', { name: 'Regenerate' }).click()
    const third = await newVersionOf(page, second)
    expect(await focused()).toEqual({ tag: 'BUTTON', label: 'Edit message', jobId: third })
    expect(await counter(page).textContent()).toBe('3 / 3')
  })

  it('moves an edit in progress to the new version when another tab\'s Regenerate hides the one it was typed in', async () => {
    const { page, other, first } = await answeredInTwoTabs()

    await turn(page, first).getByRole('button', { name: 'Edit message' }).click()
    const box = turn(page, first).locator('.message-editor-input')
    await box.fill('Hello there, edited')
    await turn(other, first).getByRole('button', { name: 'Regenerate' }).click()
    const second = await newVersionOf(page, first)
    // Before: the box stayed in the first version, hidden, and the new one offered a fresh Edit.
    const moved = turn(page, second).locator('.message-editor-input')
    expect(await moved.inputValue()).toBe('Hello there, edited')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('message-editor-input') && document.activeElement.closest<HTMLElement>('.turn')?.dataset.jobId)).toBe(second)
    await screenshot(page, 'versions-5-edit-moved')
    // Saved from there: a third version of the turn, with the edited message.
    await page.keyboard.press('Enter')
    const third = await newVersionOf(page, second)
    await waitForStatus(page, third, 'completed')
    expect(await counter(page).textContent()).toBe('3 / 3')
    expect((await turn(page, third).locator('.user-text').textContent())!.trim()).toBe('Hello there, edited')
  })
})
