/**
 * A browser test's page that never hydrates fails with what the page saw (tests/browser/support/
 * browser.ts: `recordPage`, `waitForHydration`). A CI run once failed a warm-up with "The page did
 * not hydrate within 120000 ms" and two Chromium lines "Failed to load resource: the server
 * responded with a status of 500": which resources, and what the server said, were nowhere. The
 * report now names every answer of 500 or more with its URL and body.
 */
import { EventEmitter } from 'node:events'
import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { recordPage, waitForHydration } from '../browser/support/browser'

/** A page that never hydrates and emits the events given to it. */
function stuckPage(): EventEmitter & Page {
  const page = new EventEmitter() as EventEmitter & Partial<Page>
  page.waitForFunction = (async () => {
    throw new Error('page.waitForFunction: Timeout 10ms exceeded.')
  }) as Page['waitForFunction']
  page.evaluate = (async () => ({ url: 'http://127.0.0.1:3000/', readyState: 'complete', nuxt: false })) as Page['evaluate']
  return page as EventEmitter & Page
}

/** An answer as playwright-core hands it to a `response` listener. */
function answer(status: number, url: string, body: () => Promise<string>) {
  return { status: () => status, url: () => url, text: body, request: () => ({ method: () => 'GET' }) }
}

it('names each answer of 500 or more with its URL and body', async () => {
  const page = stuckPage()
  const recorded = recordPage(page)
  page.emit('response', answer(200, 'http://127.0.0.1:3000/_nuxt/ok.js', async () => 'fine'))
  page.emit('response', answer(500, 'http://127.0.0.1:3000/', async () => '<h1>500</h1><p>Cannot find module \'entities/decode\'</p>'))
  page.emit('response', answer(503, 'http://127.0.0.1:3000/api/jobs/threads', async () => '{"statusCode":503}'))
  page.emit('response', answer(502, 'http://127.0.0.1:3000/gone', async () => {
    throw new Error('No resource with given identifier found')
  }))

  const failure = await waitForHydration(page, 10, recorded).then(() => null, (error: Error) => error.message)
  expect(failure).toContain('The page did not hydrate within 10 ms')
  expect(failure).toContain('answered 500: GET http://127.0.0.1:3000/\n<h1>500</h1><p>Cannot find module \'entities/decode\'</p>')
  expect(failure).toContain('answered 503: GET http://127.0.0.1:3000/api/jobs/threads\n{"statusCode":503}')
  expect(failure).toContain('answered 502: GET http://127.0.0.1:3000/gone\n(body not read: No resource with given identifier found)')
  expect(failure).not.toContain('ok.js')
})

it('quotes at most 1,000 bytes of a body (UTF-8), saying how long it was', async () => {
  const page = stuckPage()
  const recorded = recordPage(page)
  page.emit('response', answer(500, 'http://127.0.0.1:3000/', async () => 'é'.repeat(1_500)))

  const failure = await waitForHydration(page, 10, recorded).then(() => null, (error: Error) => error.message)
  expect(failure).toContain(`answered 500: GET http://127.0.0.1:3000/\n${'é'.repeat(500)}… (3000 bytes)`)
})
