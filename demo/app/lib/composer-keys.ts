/**
 * The keys of the demo's text boxes — the composer (ChatComposer.vue), the /ai-sdk page's box and a
 * user message being edited (MessageEditor.vue): Enter (or Ctrl/⌘+Enter) sends or saves,
 * Shift+Enter adds a line, Escape stops the answer or cancels the edit. On a touch screen
 * (`enterAddsLine`) Enter adds a line, as in ChatGPT and Claude on a phone: an on-screen keyboard
 * has no Shift+Enter, so a message of several lines could not be written; Send (or Ctrl/⌘+Enter
 * on a keyboard attached to a tablet) sends. While an input method composes a word, Enter confirms
 * the word and Escape drops it: neither is the box's (Safari ends the composition before that
 * keydown, which then only says so by its keyCode 229).
 */

/** The keyCode of a keydown that an input method handles. */
const IME_KEY_CODE = 229

export type ComposerKeyAction = 'save' | 'cancel' | null

/** How a box reads its keys. */
export interface ComposerKeyOptions {
  /** Plain Enter adds a line (a touch screen's keyboard has no Shift+Enter); Ctrl/⌘+Enter still sends. @default false */
  enterAddsLine?: boolean
}

export function composerKeyAction(
  event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'isComposing' | 'keyCode'> & Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey'>>,
  options: ComposerKeyOptions = {},
): ComposerKeyAction {
  if (event.isComposing || event.keyCode === IME_KEY_CODE) return null
  // Shift+Escape is the page's (lib/focus-box-key.ts: focus the message box), not a stop or a cancel.
  if (event.key === 'Escape') return event.shiftKey ? null : 'cancel'
  if (event.key !== 'Enter' || event.shiftKey) return null
  if (options.enterAddsLine && !event.ctrlKey && !event.metaKey) return null
  return 'save'
}
