/**
 * docs/decisions/: each decision has its own number, in its file name and its title, so "decision
 * 11" (architecture.md, decision 1) names one. Two decisions were numbered 011.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const DIR = new URL('../../docs/decisions/', import.meta.url)

describe('docs/decisions', () => {
  it('numbers each decision once, its title as its file name', () => {
    const files = readdirSync(DIR).filter(name => name.endsWith('.md')).sort()
    const numbers = files.map(name => Number(/^(\d{3})-/.exec(name)?.[1]))
    expect(numbers.filter((number, index) => numbers.indexOf(number) !== index)).toEqual([])
    for (const [index, name] of files.entries()) {
      const title = readFileSync(new URL(name, DIR), 'utf8').split('\n')[0]!
      expect(title, name).toMatch(new RegExp(`^# ${numbers[index]}\\. `))
    }
  })
})
