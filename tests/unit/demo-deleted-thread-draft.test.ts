/**
 * A deleted thread's unsent message goes with it: nothing forgot it, so its stored draft
 * (`background-jobs:draft:<id>`, with the time it was saved) stayed until 50
 * newer drafts pushed them out, and this tab still had it in memory. It is forgotten where the demo
 * learns a thread is gone: the thread list's delete (on the main chat and /ai-sdk), the open
 * thread emptied by a delete elsewhere (useThreadElsewhere), the /ai-sdk chat left because its
 * answers were deleted (useAiSdkDeletions). The answer versions chosen in it
 * (lib/version-choices.ts) go with it in the same places.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { DeletedJobListener } from '../../app/lib/deleted-jobs'
import { useAiSdkDeletions } from '../../demo/app/composables/useAiSdkDeletions'
import { useThreadElsewhere } from '../../demo/app/composables/useThreadElsewhere'
import { DRAFT_STORAGE_PREFIX, DRAFT_TIME_PREFIX, draftOf, forgetDraft, keepDraft, saveDrafts, storedDraftOf } from '../../demo/app/lib/drafts'
import { keepChoice, storedChoices } from '../../demo/app/lib/version-choices'
import { allNodes } from '../support/demo-client-render'
import { fakeStorage } from '../support/fake-storage'
import { mountThreadList, settle, stubThreadListPage } from '../support/thread-list-page'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

let stored: Map<string, string>

/** Drafts typed in threads `a` and `b`, stored; an earlier answer version chosen in each. */
function typeDrafts(): void {
  keepDraft('a', 'Draft in a')
  keepDraft('b', 'Draft in b')
  saveDrafts()
  for (const threadId of ['a', 'b']) keepChoice(threadId, 'chat:m1', { jobId: 'v1', newestId: 'v2' })
}
/** The turns of `threadId` with an answer version chosen (lib/version-choices.ts). */
const choicesOf = (threadId: string) => Object.keys(storedChoices(threadId))

/** What this browser holds of `a`'s draft: in memory, its key, the time it was saved. */
function draftOfA() {
  return { memory: draftOf('a'), stored: stored.get(`${DRAFT_STORAGE_PREFIX}a`) ?? null, timed: stored.has(`${DRAFT_TIME_PREFIX}a`) }
}
const FORGOTTEN = { memory: '', stored: null, timed: false }

beforeEach(() => {
  const local = fakeStorage()
  stored = local.store
  vi.stubGlobal('localStorage', local.area)
})

afterEach(() => {
  saveDrafts()
  vi.unstubAllGlobals()
})

describe('a deleted thread\'s draft', () => {
  it('is forgotten at once, in memory and stored, a draft typed and not stored yet too; the others stay', () => {
    typeDrafts()
    keepDraft('a', 'Draft in a, longer')
    forgetDraft('a')
    expect(draftOfA()).toEqual(FORGOTTEN)
    expect(storedDraftOf('a')).toBe('')
    expect([draftOf('b'), storedDraftOf('b')]).toEqual(['Draft in b', 'Draft in b'])
  })

  it('goes with a thread deleted from the thread list', async () => {
    const page = stubThreadListPage([{ threadId: 'a', title: 'Thread a', active: false, waiting: false, lastJob: { id: 'job-a', threadId: 'a', status: 'completed', createdAt: 1, updatedAt: 1 } }])
    vi.stubGlobal('useBackgroundJobs', () => ({ listThreads: async () => ({ threads: page.listed, next: null }), removeThread: async () => {}, onDeleted: () => {} }))
    typeDrafts()
    const list = mountThreadList()
    await settle()
    const click = (props: string) => {
      const node = allNodes(list.root).find(item => item.props[props] !== undefined)!
      ;(node.props.onClick as (event: unknown) => void)({ currentTarget: node })
    }
    click('data-delete-thread')
    await settle()
    click('data-confirm-delete')
    await settle()
    list.unmount()
    expect(draftOfA()).toEqual(FORGOTTEN)
    expect(draftOf('b')).toBe('Draft in b')
    // The answer versions chosen in it go too (lib/version-choices.ts); the others stay.
    expect([choicesOf('a'), choicesOf('b')]).toEqual([[], ['chat:m1']])
  })

  it('goes with the open thread emptied by a delete elsewhere', () => {
    const listeners: DeletedJobListener[] = []
    vi.stubGlobal('useUnseenThreads', () => ({ markSeen: () => {} }))
    vi.stubGlobal('useToasts', () => ({ push: () => {} }))
    vi.stubGlobal('navigateTo', async () => {})
    const turns = vue.ref([{ id: 'job-a', threadId: 'a' }])
    useThreadElsewhere({
      threadId: 'a',
      jobs: vue.ref([]),
      turns: turns as never,
      refresh: async () => {},
      remove: (jobId) => {
        turns.value = turns.value.filter(job => job.id !== jobId)
      },
      listFailed: vue.ref(null),
      onNotification: () => {},
      onReconnect: () => {},
      onDeleted: listener => listeners.push(listener),
    })
    typeDrafts()
    for (const listener of listeners) listener({ jobId: 'job-a', threadId: 'a', origin: 'elsewhere' })
    expect(draftOfA()).toEqual(FORGOTTEN)
    expect([choicesOf('a'), choicesOf('b')]).toEqual([[], ['chat:m1']])
  })

  it('goes with the /ai-sdk chat whose answers were deleted, not with one whose answer the server lost', () => {
    const listeners: DeletedJobListener[] = []
    vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: (listener: DeletedJobListener) => listeners.push(listener) }))
    vi.stubGlobal('useToasts', () => ({ push: () => {} }))
    const answer = (id: string) => [{ id: `user-${id}`, role: 'user', parts: [] }, { id, role: 'assistant', parts: [] }]
    const messages = vue.ref(answer('job-a'))
    useAiSdkDeletions({ chatId: vue.ref('a'), messages: messages as never, reading: vue.ref(null), openNewChat: () => {} })
    typeDrafts()
    for (const listener of listeners) listener({ jobId: 'job-a', threadId: 'a', origin: 'lost' })
    expect(draftOfA().stored).toBe('Draft in a')
    messages.value = answer('job-a2')
    for (const listener of listeners) listener({ jobId: 'job-a2', threadId: 'a', origin: 'elsewhere' })
    expect(draftOfA()).toEqual(FORGOTTEN)
    expect([choicesOf('a'), choicesOf('b')]).toEqual([[], ['chat:m1']])
  })
})
