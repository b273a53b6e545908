/**
 * The prompt cache (app/lib/prompt-cache.ts) in a browser whose storage is blocked — an app
 * embedded in another site's iframe with third-party storage blocked, or site data disabled — where
 * merely reading `localStorage` throws a `SecurityError`: `start({ prompt })` must still resolve
 * with the job it started (a rejection would have the user send it again, as a second job), and the
 * thread view show the title. A stored value that is not a map (another script's) reads as empty.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { forgetPrompt, promptOf, rememberPrompt } from '../../app/lib/prompt-cache'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null

afterEach(() => {
  app?.dispose()
  app = null
  Reflect.deleteProperty(globalThis, 'localStorage')
})

function blockStorage(): void {
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    get() {
      throw new DOMException('The operation is insecure.', 'SecurityError')
    },
  })
}

function storageHolding(value: string): void {
  const items = new Map([['background-jobs:prompts', value]])
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    value: { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, next: string) => items.set(key, next) },
  })
}

const summary = { id: 'j1', type: 'chat', status: 'completed', threadId: 't', messageId: null, title: 'Hello…', createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 3 } as const

describe('prompt cache: storage blocked', () => {
  it('start({ prompt }) resolves with the job it started', async () => {
    blockStorage()
    app = createComposableApp(async () => ({ id: 'j1', status: 'queued', streamUrl: '/api/jobs/j1/stream', threadId: 't', created: true }))
    const { result } = app.mount(() => useBackgroundJobs())
    await expect(result.start({ messages: [{ role: 'user', content: 'Hello there' }] }, { prompt: 'Hello there' })).resolves.toMatchObject({ id: 'j1' })
  })

  it('promptOf gives the title; rememberPrompt and forgetPrompt do nothing', () => {
    blockStorage()
    expect(() => rememberPrompt('j1', 'Hello there')).not.toThrow()
    expect(() => forgetPrompt('j1')).not.toThrow()
    expect(promptOf(summary)).toBe('Hello…')
  })

  it('a stored value that is not a map of prompts reads as empty', () => {
    for (const stored of ['null', '[1]', '"text"', '{"j1":5}']) {
      storageHolding(stored)
      expect(promptOf(summary)).toBe('Hello…')
      expect(() => forgetPrompt('j1')).not.toThrow()
      rememberPrompt('j2', 'Second')
      expect(promptOf({ ...summary, id: 'j2' })).toBe('Second')
    }
  })
})
