/**
 * The "focus the message box" shortcut: Shift+Escape, ChatGPT's. It works from anywhere (a thread
 * link, an answer's button, the phone's drawer), so a keyboard user reaches the box without
 * tabbing back through the answers. Escape alone stays the box's (it stops the answer), and
 * Shift+Escape is not: pressed in the box it changes nothing.
 */
export function isFocusBoxKey(event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey' | 'isComposing'>): boolean {
  return event.key === 'Escape' && event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey && !event.isComposing
}
