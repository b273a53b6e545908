/**
 * docs/runbook.md is where an operator looks up a line the server printed. The two a deploy meets
 * first had no row: the boot refusing the configuration (`nuxt-background-jobs: invalid
 * configuration:`, one line per bad setting — the process exits) and, with Redis, the engine's
 * start failing and being tried again (`engine failed to start; …`: `The redis provider could not
 * reach Redis at …`: refused, a wrong password, an ACL without the prefix's channels) — only the
 * Convex one had its row. The rows quote the messages as the code writes them.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidConfigError } from '../../server/lib/config-validate'
import { RedisUnreachableError } from '../../server/lib/providers/redis-errors'

const runbook = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8')
/** The runbook's rows whose symptom (first cell) quotes `text`. */
const rowsQuoting = (text: string) => runbook.split('\n').filter(line => line.startsWith('|') && (line.split(' | ')[0] ?? '').includes(text))

describe('the runbook\'s rows for a boot that fails', () => {
  it('the configuration refused at boot', () => {
    const heading = new InvalidConfigError(['x']).message.split('\n')[0]!
    expect(heading).toBe('nuxt-background-jobs: invalid configuration:')
    expect(rowsQuoting(heading)).toHaveLength(1)
  })

  it('Redis not reached at boot (the start tried again)', () => {
    const said = new RedisUnreachableError('redis://:pw@cache:6379', new Error('WRONGPASS')).message
    const start = said.slice(0, said.indexOf(' at '))
    expect(start).toBe('The redis provider could not reach Redis')
    const [row] = rowsQuoting(start)
    expect(row).toMatch(/engine failed to start; trying again in … ms/)
    for (const end of ['ECONNREFUSED', 'WRONGPASS', 'ACL SETUSER']) expect(row).toContain(end)
  })
})
