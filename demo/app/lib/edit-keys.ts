/**
 * The keys of a user message being edited, as the composer's (ChatComposer.vue): Enter (or
 * Ctrl/⌘+Enter) saves, Shift+Enter adds a line, Escape cancels; a key an input method is composing
 * with does neither (Safari says so only by keyCode 229).
 */

/** The keyCode of a keydown that an input method handles. */
const IME_KEY_CODE = 229

export type EditKeyAction = 'save' | 'cancel' | null

export function editKeyAction(event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'isComposing' | 'keyCode'>): EditKeyAction {
  if (event.isComposing || event.keyCode === IME_KEY_CODE) return null
  if (event.key === 'Escape') return 'cancel'
  if (event.key === 'Enter' && !event.shiftKey) return 'save'
  return null
}
