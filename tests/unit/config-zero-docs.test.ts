/**
 * docs/config.md names the numeric settings where 0 is allowed (off or none); every other one
 * stops the boot at 0 ("must be greater than 0"). The list is compared with what the check really
 * accepts, both ways: an operator who sets a listed key to 0 must not get a boot error, and one
 * whose key is not listed must not be surprised that 0 works.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const configDocs = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')

/** Every numeric setting, as `group.key` (or `key` at the top level). */
function numericKeys(defaults: object, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([name, value]) => {
    const key = prefix ? `${prefix}.${name}` : name
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return numericKeys(value, key)
    return typeof value === 'number' ? [key] : []
  })
}

/** `{ limits: { createPerMinute: 0 } }` for `limits.createPerMinute`. */
function withZero(key: string): Record<string, unknown> {
  return key.split('.').reduceRight<unknown>((value, name) => ({ [name]: value }), 0) as Record<string, unknown>
}

/** The keys the sentence of config.md lists; a bare name continues the group of the dotted name before it. */
function documentedZeroKeys(): string[] {
  const start = configDocs.indexOf('(0 is allowed where it means off or none:')
  const end = configDocs.indexOf('), a time (', start)
  expect(start, 'the sentence listing where 0 is allowed').toBeGreaterThan(-1)
  const topLevel = new Set(numericKeys(DEFAULT_CONFIG).filter(key => !key.includes('.')))
  let group = ''
  return [...configDocs.slice(start, end).matchAll(/`([a-zA-Z.]+)`/g)].map(([, name]) => {
    if (name!.includes('.')) {
      group = name!.slice(0, name!.lastIndexOf('.'))
      return name!
    }
    return topLevel.has(name!) ? name! : `${group}.${name}`
  })
}

describe('where config.md says 0 is allowed', () => {
  it('is where the boot check accepts 0', () => {
    const accepted = numericKeys(DEFAULT_CONFIG).filter(key => !configProblems(resolveConfig(withZero(key)), { runtime: false })
      .some(problem => problem.includes(`backgroundJobs.${key} `) && problem.includes('must be greater than 0')))
    expect(documentedZeroKeys().sort()).toEqual(accepted.sort())
  })
})
