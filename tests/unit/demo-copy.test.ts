/**
 * The demo's Copy buttons (demo/app/composables/useCopy.ts) where the browser has no Clipboard API:
 * a page on plain http away from localhost (a LAN address) has no `navigator.clipboard`. The copy
 * falls back to selecting the text and `execCommand('copy')`; when that fails too, the button says
 * so for a moment instead of doing nothing visible.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { COPIED_FEEDBACK_MS, useCopy } from '../../demo/app/composables/useCopy'
import type { ComposableApp } from '../support/composable-app'
import { createComposableApp } from '../support/composable-app'

/** A document with just what a copy by selection needs; `copies` holds what `execCommand('copy')` copied. */
function fakeDocument(copyWorks: boolean) {
  const copies: string[] = []
  const attached = new Set<object>()
  let selected: { value: string } | null = null
  const focusedBefore = { focused: 0, focus() { this.focused++ } }
  const document = {
    activeElement: focusedBefore as unknown,
    body: { appendChild: (node: object) => attached.add(node) },
    createElement: () => {
      const area = {
        value: '',
        style: {} as Record<string, string>,
        setAttribute: () => {},
        select() { selected = area },
        setSelectionRange() { selected = area },
        remove: () => attached.delete(area),
        focus: () => { document.activeElement = area },
      }
      return area
    },
    execCommand(command: string) {
      if (command !== 'copy' || !copyWorks || !selected || !attached.has(selected)) return false
      copies.push(selected.value)
      return true
    },
  }
  return { document, copies, attached, focusedBefore }
}

describe('Copy without the Clipboard API (plain http on a LAN address)', () => {
  let app: ComposableApp
  beforeEach(() => {
    vi.useFakeTimers()
    app = createComposableApp(async () => ({}))
    vi.stubGlobal('navigator', {})
  })
  afterEach(() => {
    app.dispose()
    vi.useRealTimers()
  })

  it('copies by selecting the text, leaves nothing behind, and gives the focus back', async () => {
    const fake = fakeDocument(true)
    vi.stubGlobal('document', fake.document)
    const { result } = app.mount(() => useCopy())
    expect(await result.copy('answer', 'The answer, all of it.')).toBe(true)
    expect(fake.copies).toEqual(['The answer, all of it.'])
    expect(fake.attached.size).toBe(0)
    expect(fake.focusedBefore.focused).toBe(1)
    expect(result.copied.value).toBe('answer')
    vi.advanceTimersByTime(COPIED_FEEDBACK_MS)
    expect(result.copied.value).toBeNull()
  })

  it('says the copy failed, for a moment, when the browser cannot copy at all', async () => {
    const fake = fakeDocument(false)
    vi.stubGlobal('document', fake.document)
    const { result } = app.mount(() => useCopy())
    expect(await result.copy('answer', 'text')).toBe(false)
    expect(result.copied.value).toBeNull()
    expect(result.failed.value).toBe('answer')
    vi.advanceTimersByTime(COPIED_FEEDBACK_MS)
    expect(result.failed.value).toBeNull()
    // A later copy that works clears the failure at once.
    vi.stubGlobal('navigator', { clipboard: { writeText: async () => {} } })
    await result.copy('answer', 'text')
    expect(result.failed.value).toBeNull()
    await result.copy('code', 'x')
    expect([result.copied.value, result.failed.value]).toEqual(['code', null])
  })
})
