/**
 * The new-chat shortcut: Ctrl+Shift+O (⌘⇧O on a Mac), ChatGPT's. It also works from the message
 * box, so it needs both modifiers: no plain key typed there is taken.
 */
export function isNewThreadKey(event: Pick<KeyboardEvent, 'code' | 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'isComposing'>): boolean {
  if (event.isComposing || event.altKey || !event.shiftKey || !(event.ctrlKey || event.metaKey)) return false
  // `code` is the key's place (O on any layout that has it there); `key` covers a layout that moved it.
  return event.code === 'KeyO' || event.key.toLowerCase() === 'o'
}
