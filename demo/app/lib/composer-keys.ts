/**
 * The keys of the demo's text boxes — the composer (ChatComposer.vue), the /ai-sdk page's box and a
 * user message being edited (MessageEditor.vue): Enter (or Ctrl/⌘+Enter) sends or saves,
 * Shift+Enter adds a line, Escape stops the answer or cancels the edit. While an input method
 * composes a word, Enter confirms the word and Escape drops it: neither is the box's (Safari ends
 * the composition before that keydown, which then only says so by its keyCode 229).
 */

/** The keyCode of a keydown that an input method handles. */
const IME_KEY_CODE = 229

export type ComposerKeyAction = 'save' | 'cancel' | null

export function composerKeyAction(event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'isComposing' | 'keyCode'>): ComposerKeyAction {
  if (event.isComposing || event.keyCode === IME_KEY_CODE) return null
  if (event.key === 'Escape') return 'cancel'
  if (event.key === 'Enter' && !event.shiftKey) return 'save'
  return null
}
