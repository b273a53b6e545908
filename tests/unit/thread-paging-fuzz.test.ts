import { describe, expect, it } from 'vitest'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { JobRecord, ThreadCursor } from '../../server/lib/providers/types'
import { compareThreads } from '../../server/lib/providers/thread-order'

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x7fffffff
  }
}

describe('thread paging fuzz', () => {
  it('matches a naive listing and is stable for untouched threads', async () => {
    for (let seed = 1; seed < 200; seed++) {
      const random = rng(seed)
      const provider = createMemoryProvider({ now: () => 0 })
      let n = 0
      const live = new Map<string, JobRecord>()
      async function create() {
        const id = `j${String(Math.floor(random() * 1000)).padStart(4, '0')}-${n++}`
        const threadId = `t${Math.floor(random() * 8)}`
        const createdAt = Math.floor(random() * 20)
        const { record } = await provider.create({ id, userId: 'u', type: 'chat', threadId, messageId: null, idempotencyKey: null, title: id, request: { type: 'chat', messages: [] } as never, createdAt, lease: null })
        await provider.appendEvents(id, [{ type: 'job-end', status: 'completed', seq: 1, at: 1 } as never])
        live.set(id, record)
      }
      async function remove() {
        const ids = [...live.keys()]
        if (!ids.length) return
        const id = ids[Math.floor(random() * ids.length)]!
        expect(await provider.deleteJob(id)).toBe('deleted')
        live.delete(id)
      }
      function naive(): ThreadCursor[] {
        const byThread = new Map<string, number>()
        for (const r of live.values()) byThread.set(r.threadId!, Math.max(byThread.get(r.threadId!) ?? -1, r.createdAt))
        return [...byThread].map(([threadId, newestAt]) => ({ threadId, newestAt })).sort(compareThreads)
      }
      for (let i = 0; i < 30; i++) await create()
      // page through with mutations between pages
      let before: ThreadCursor | null = null
      const seen: string[] = []
      const snapshot = naive()
      const touched = new Set<string>()
      for (let guard = 0; guard < 50; guard++) {
        const page = await provider.listThreads({ userId: 'u', limit: 2, before })
        // each page must equal the naive listing after the cursor
        const expected = naive().filter(t => !before || compareThreads(t, before) > 0).slice(0, 2)
        expect(page.threads.map(t => ({ threadId: t.threadId, newestAt: t.last.createdAt }))).toEqual(expected)
        for (const t of page.threads) {
          expect(t.first.threadId).toBe(t.threadId)
          seen.push(t.threadId)
        }
        if (!page.next) break
        before = page.next
        const op = random()
        if (op < 0.3) { const before2 = naive(); await create(); const after = naive(); for (const t of after) { const b = before2.find(x => x.threadId === t.threadId); if (!b || b.newestAt !== t.newestAt) touched.add(t.threadId) } for (const b of before2) if (!after.find(x => x.threadId === b.threadId)) touched.add(b.threadId) }
        else if (op < 0.6) { const before2 = naive(); await remove(); const after = naive(); for (const t of after) { const b = before2.find(x => x.threadId === t.threadId); if (!b || b.newestAt !== t.newestAt) touched.add(t.threadId) } for (const b of before2) if (!after.find(x => x.threadId === b.threadId)) touched.add(b.threadId) }
      }
      for (const t of snapshot) {
        if (touched.has(t.threadId)) continue
        expect(seen.filter(s => s === t.threadId).length, `seed ${seed} thread ${t.threadId}`).toBe(1)
      }
      expect(provider.stats().threads).toBe(new Set([...live.values()].map(r => r.threadId)).size)
    }
  })
})
