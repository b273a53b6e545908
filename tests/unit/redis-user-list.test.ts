/**
 * The Redis provider's page reads (server/lib/providers/redis-user-list.ts): a page after a bound
 * is a range read from that bound's score (its own millisecond apart), never a walk from the
 * newest job of the user.
 */
import { describe, expect, it } from 'vitest'
import { readUserListPage } from '../../server/lib/providers/redis-user-list'

/** A fake `command` over one sorted set, recording what was asked. */
function sortedSet(entries: Array<[id: string, score: number]>) {
  const asked: string[][] = []
  const byScoreDesc = [...entries].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))
  const command = async <T>(args: string[]): Promise<T> => {
    asked.push(args)
    const [, , max, min] = args as [string, string, string, string]
    const inRange = (score: number) => {
      const below = max === '+inf' || (max.startsWith('(') ? score < Number(max.slice(1)) : score <= Number(max))
      const above = min === '-inf' || score >= Number(min)
      return below && above
    }
    let found = byScoreDesc.filter(([, score]) => inRange(score))
    const limit = args.indexOf('LIMIT')
    if (limit >= 0) found = found.slice(Number(args[limit + 1]), Number(args[limit + 1]) + Number(args[limit + 2]))
    return (args.includes('WITHSCORES') ? found.flatMap(([id, score]) => [id, String(score)]) : found.map(([id]) => id)) as T
  }
  return { command, asked }
}

describe('readUserListPage', () => {
  it('reads the first page from the newest, then each next page from its bound', async () => {
    const { command, asked } = sortedSet([['a', 1], ['b', 2], ['c', 2], ['d', 3], ['e', 4]])
    const first = await readUserListPage(command, 'k', undefined, 2)
    expect(first).toEqual({ entries: [{ id: 'e', createdAt: 4 }, { id: 'd', createdAt: 3 }], end: false })
    expect(asked).toEqual([['ZRANGE', 'k', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', '2', 'WITHSCORES']])
    asked.length = 0
    // After 'c' (millisecond 2): 'b' of the same millisecond, then below 2 — two bounded reads.
    const next = await readUserListPage(command, 'k', { createdAt: 2, id: 'c' }, 2)
    expect(next).toEqual({ entries: [{ id: 'b', createdAt: 2 }, { id: 'a', createdAt: 1 }], end: true })
    expect(asked).toEqual([
      ['ZRANGE', 'k', '2', '2', 'BYSCORE', 'REV'],
      ['ZRANGE', 'k', '(2', '-inf', 'BYSCORE', 'REV', 'LIMIT', '0', '2', 'WITHSCORES'],
    ])
  })

  it('reads RESP3 pairs as well as flat replies', async () => {
    const command = async <T>() => [['x', 5], ['w', '4']] as T
    expect((await readUserListPage(command, 'k', undefined, 5)).entries).toEqual([{ id: 'x', createdAt: 5 }, { id: 'w', createdAt: 4 }])
  })
})
