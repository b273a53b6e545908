/**
 * Property: rendering a streamed answer piece by piece (closed blocks taken from
 * lib/markdown-prefixes.ts, shared by every text) gives exactly the HTML of reading each prefix
 * whole. Random Markdown from a seeded generator (fixed seeds, so a failure is reproducible).
 */
import { describe, expect, it } from 'vitest'
import { renderMarkdown, renderMarkdownWhole } from '../../demo/app/lib/markdown'

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = ['a', 'b', 'word', '*em*', '**bold', '`code`', 'x|y', '<div>', 'https://e.com', '\\', '&amp;', '[a]', '[a][b]', '_u_', '~~s~~', '|', '#', '-', '1.']
const LINES: Array<(pick: <T>(items: T[]) => T, words: () => string) => string> = [
  (_, words) => words(),
  (_, words) => words(),
  (pick, words) => `${pick(['', '|', '  '])}${words()} | ${words()}${pick(['', '|', ' |'])}`,
  () => '',
  () => '',
  (pick, words) => `${pick(['-', '*', '+', '1.', '2.', '1)', '10.', '0.'])} ${words()}`,
  (pick, words) => `${pick(['  ', '   ', '    ', '  ', ' '])}${pick(['-', '*', '1.', ''])} ${words()}`,
  (pick, words) => `${pick(['>', '> >', '>', '> -'])} ${words()}`,
  pick => pick(['```', '```js', '~~~', '````', '```ts', '  ```', '~~~ python']),
  (_, words) => `    ${words()}`,
  (pick, words) => `${pick(['#', '##', '###', '####', '#####', '######', '#######'])} ${words()}`,
  pick => pick(['---', '===', '***', '- - -', '___', '--', '=', '-', '  ---', '----- ']),
  pick => pick(['| a | b |', 'a | b', '|---|---|', '--|--', '| 1 | 2 |', '|:-|-:|', '| x |', '|---|', 'c | d | e', '---|---|---']),
  pick => `${pick(['  ', '    ', '     ', '', ' '])}${pick(['|---|---|', '--|--', '|:-|-:|', '|---|', '---|---|---', '-|-'])}`,
  pick => pick(['<div>', '</div>', '<!-- c -->', '<pre>', '<p>']),
  pick => pick(['[a]: https://a.com', '[b]: https://b.com "t"', '[a]:']),
  (_, words) => `${words()}  `,
  (pick, words) => `${pick(['-', '*', '1.'])}${pick(['', ' '])}`,
  (pick) => pick(['\t- tab', '\tcode', ' \t', '   ']),
]

function randomText(next: () => number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!
  const words = () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(WORDS)).join(' ')
  const lines = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pick(LINES)(pick, words))
  const newline = next() < 0.05 ? '\r\n' : '\n'
  return lines.join(newline) + (next() < 0.5 ? newline : '')
}

describe('renderMarkdown on random Markdown, streamed', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`gives the HTML of reading each prefix whole (seed ${seed})`, () => {
      const next = random(seed)
      let first = ''
      for (let count = 0; count < 500; count++) {
        // Every other text starts as the one before and then goes another way (a regenerated or
        // edited answer, or the same answer growing again from a shorter text): it meets the kept
        // prefixes of the first.
        const text = count % 2 ? first.slice(0, Math.floor(next() * first.length)) + randomText(next) : (first = randomText(next))
        const step = 1 + Math.floor(next() * 4)
        for (let end = 1; end < text.length + step; end += step) {
          const prefix = text.slice(0, Math.min(end, text.length))
          const html = renderMarkdown(prefix, { cursor: true })
          if (html !== renderMarkdownWhole(prefix, { cursor: true })) {
            expect(html, JSON.stringify(prefix)).toBe(renderMarkdownWhole(prefix, { cursor: true }))
          }
        }
      }
    })
  }
})
