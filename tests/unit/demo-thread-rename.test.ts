/**
 * The demo's thread rename field (composables/useThreadRename.ts): it opens with the title shown,
 * saves the trimmed title once and shows it, closes on Escape, on a title left as it was, or on
 * leaving a blank field; a title the server's rules refuse is said at once without a request, and a
 * failed save keeps the field and the text with the reason.
 */
import { describe, expect, it } from 'vitest'
import type { RenamedThread } from '../../app/lib/api-types'
import { useThreadRename } from '../../demo/app/composables/useThreadRename'

function harness(answer: (threadId: string, title: string) => Promise<RenamedThread> = async (threadId, title) => ({ threadId, title })) {
  const asked: Array<[string, string]> = []
  const shown: Array<[string, string]> = []
  const rename = useThreadRename({
    rename: async (threadId, title) => {
      asked.push([threadId, title])
      return await answer(threadId, title)
    },
    onRenamed: (threadId, title) => void shown.push([threadId, title]),
  })
  return { rename, asked, shown }
}

describe('useThreadRename', () => {
  it('saves the trimmed title once, shows what the server stored and closes', async () => {
    const { rename, asked, shown } = harness(async threadId => ({ threadId, title: 'Stored' }))
    rename.start({ threadId: 't-1', title: 'Plan a trip' })
    expect([rename.editing.value, rename.draft.value]).toEqual(['t-1', 'Plan a trip'])
    rename.draft.value = '  Lisbon  '
    const saving = rename.save()
    expect(rename.saving.value).toBe(true)
    // A second Enter while the first save is on its way sends nothing more.
    expect(await rename.save()).toBe(false)
    expect(await saving).toBe(true)
    expect(asked).toEqual([['t-1', 'Lisbon']])
    expect(shown).toEqual([['t-1', 'Stored']])
    expect([rename.editing.value, rename.saving.value, rename.problem.value]).toEqual([null, false, null])
  })

  it('closes without a request on a title left as it was (spaces aside), and on cancel', async () => {
    const { rename, asked } = harness()
    rename.start({ threadId: 't-1', title: 'Plan a trip' })
    rename.draft.value = 'Plan a trip '
    expect(await rename.save()).toBe(true)
    expect(rename.editing.value).toBeNull()
    rename.start({ threadId: 't-1', title: 'Plan a trip' })
    rename.draft.value = 'Something else'
    rename.cancel()
    expect(rename.editing.value).toBeNull()
    expect(asked).toEqual([])
  })

  it('says why a title cannot be saved without asking the server; leaving such a field drops it', async () => {
    const { rename, asked } = harness()
    rename.start({ threadId: 't-1', title: 'Plan a trip' })
    rename.draft.value = '   '
    expect(await rename.save()).toBe(false)
    expect(rename.problem.value).toBe('The title must not be empty or only whitespace.')
    rename.draft.value = 'x'.repeat(121)
    expect(await rename.save()).toBe(false)
    expect(rename.problem.value).toBe('The title must be at most 120 characters (UTF-16 code units), got 121.')
    expect(rename.editing.value).toBe('t-1')
    // Edited again: the reason goes with the text it was about.
    rename.draft.value = 'x'.repeat(120)
    expect(rename.problem.value).toBeNull()
    rename.draft.value = ''
    expect(await rename.leave()).toBe(true)
    expect(rename.editing.value).toBeNull()
    expect(asked).toEqual([])
  })

  it('keeps the field and the text when the save fails, with the reason; leaving a good title saves it', async () => {
    let fail = true
    const { rename, asked, shown } = harness(async (threadId, title) => {
      if (fail) throw Object.assign(new Error('HTTP 404'), { statusCode: 404, data: { statusCode: 404, message: 'Thread t-1 not found' } })
      return { threadId, title }
    })
    rename.start({ threadId: 't-1', title: 'Plan a trip' })
    rename.draft.value = 'Lisbon'
    expect(await rename.save()).toBe(false)
    expect([rename.editing.value, rename.draft.value, rename.saving.value]).toEqual(['t-1', 'Lisbon', false])
    expect(rename.problem.value).toBe('Thread t-1 not found')
    fail = false
    expect(await rename.leave()).toBe(true)
    expect(asked).toEqual([['t-1', 'Lisbon'], ['t-1', 'Lisbon']])
    expect(shown).toEqual([['t-1', 'Lisbon']])
    expect(rename.editing.value).toBeNull()
  })
})
