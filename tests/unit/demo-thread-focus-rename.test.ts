/**
 * A double-click on a thread in the sidebar that is not the open one opens it and its rename field:
 * the first click starts the navigation, the double-click opens the field, which takes the focus —
 * and the thread, shown after, moved the focus to its message box (as it does for a thread opened
 * from the list), so the field's blur closed it, saving nothing: the double-click did nothing the
 * user could see. The thread now leaves the focus in a field the user types in there.
 */
import { ref } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useThreadFocus } from '../../demo/app/composables/useThreadFocus'

/** An element of the page: in the sidebar or not, and matching `selector`s or not. */
function element(inSidebar: boolean, matches: string[]) {
  return {
    closest: (selector: string) => (selector === '#thread-sidebar' && inSidebar ? {} : null),
    matches: (selector: string) => selector.split(',').some(part => matches.includes(part.trim())),
  }
}

let composerFocused = 0

/** Opens a thread by navigation (not the page's first load) with `focused` holding the focus. */
function openWith(focused: object): void {
  vi.stubGlobal('document', { activeElement: focused, body: {} })
  useThreadFocus({ composer: ref({ focus: () => void composerFocused++ }), heading: ref(null), section: ref(null) })
}

beforeEach(() => {
  composerFocused = 0
  vi.stubGlobal('window', { matchMedia: () => ({ matches: false }) })
  vi.stubGlobal('provide', () => {})
  vi.stubGlobal('useNuxtApp', () => ({ isHydrating: false }))
  vi.stubGlobal('onMounted', (hook: () => void) => hook())
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('a thread opened from the sidebar', () => {
  it('leaves the focus in the sidebar\'s rename field (a double-click opened both)', () => {
    openWith(element(true, ['input']))
    expect(composerFocused).toBe(0)
  })

  it('still takes the focus from the sidebar\'s thread link, and from nothing', () => {
    openWith(element(true, ['a']))
    expect(composerFocused).toBe(1)
    openWith(element(false, []))
    expect(composerFocused).toBe(1)
  })
})
