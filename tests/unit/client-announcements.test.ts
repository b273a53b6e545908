import { describe, expect, it } from 'vitest'
import { nextAnnouncement, speakableText } from '../../demo/app/lib/announcements'

/** Feeds `answer` in pieces of `size` characters and collects what would be read out. */
function readOut(answer: string, size: number): string[] {
  const heard: string[] = []
  let from = 0
  for (let end = size; end < answer.length + size; end += size) {
    const shown = answer.slice(0, Math.min(end, answer.length))
    const step = nextAnnouncement(shown, from, shown.length === answer.length)
    if (!step) continue
    from = step.upTo
    if (step.text) heard.push(step.text)
  }
  return heard
}

describe('reading a streaming answer out', () => {
  it('reads each sentence once, in order, whatever the size of the deltas', () => {
    const answer = 'You said: “hello”. This answer streams! Does it? Yes… and the last words'
    for (const size of [1, 3, 7, 50, 500]) {
      const heard = readOut(answer, size)
      expect(heard.join(' ')).toBe(answer)
      expect(new Set(heard).size).toBe(heard.length)
    }
  })

  it('waits for a sentence or line end, and reads the rest once the answer is final', () => {
    expect(nextAnnouncement('Half a sente', 0, false)).toBeNull()
    expect(nextAnnouncement('A whole one. And half', 0, false)).toEqual({ text: 'A whole one.', upTo: 12 })
    expect(nextAnnouncement('A whole one. And half', 12, false)).toBeNull()
    expect(nextAnnouncement('A whole one. And half', 12, true)).toEqual({ text: 'And half', upTo: 21 })
    expect(nextAnnouncement('A whole one.', 12, true)).toBeNull()
    // A decimal point is not a sentence end.
    expect(nextAnnouncement('It is 12.5 now', 0, false)).toBeNull()
    expect(nextAnnouncement('First line\nsecond', 0, false)).toEqual({ text: 'First line', upTo: 11 })
  })

  it('leaves Markdown syntax out', () => {
    expect(speakableText('Here is some **Markdown**, as a `real` model might write it.')).toBe('Here is some Markdown, as a real model might write it.')
    expect(speakableText('### A heading\n- one\n* two\n> quoted _word_')).toBe('A heading one two quoted word')
    expect(speakableText('| Provider | Survives |\n|---|---|\n| memory | no |')).toBe('Provider, Survives memory, no')
    expect(speakableText('```ts\nconst a = 1\n```')).toBe('const a = 1')
    expect(speakableText('See [the docs](https://example.com/docs).')).toBe('See the docs.')
    expect(speakableText('- **delete_file** — error')).toBe('delete_file — error')
  })
})
