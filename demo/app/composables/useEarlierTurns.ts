/**
 * A thread's earlier turns, a page at a time ("Show earlier messages"). The thread view reads the
 * newest page; this reads the pages before it by the server's `next` cursor (keyset paging, so a
 * turn started or deleted meanwhile never makes one skip or repeat). Once earlier pages are
 * shown, turns that a later read of the newest page no longer holds because newer turns pushed
 * them out stay on screen as earlier turns.
 */
import type { Ref } from 'vue'
import type { JobListPage, JobSummary } from '../../../app/lib/api-types'
import { failureText } from '../lib/wording'

/** True when `job` comes before `other` in the thread (older; ties by id, as the server pages). */
function isOlder(job: JobSummary, other: JobSummary): boolean {
  return job.createdAt < other.createdAt || (job.createdAt === other.createdAt && job.id < other.id)
}

/** The earlier pages of `threadId` before the newest page `newest`, `pageSize` turns a read. */
export function useEarlierTurns(threadId: string, newest: Ref<JobListPage | undefined>, pageSize: number) {
  const { listPage } = useBackgroundJobs()
  /** Earlier turns read so far, newest first. */
  const earlier = ref<JobSummary[]>([])
  /** The cursor after the oldest earlier page read; undefined until one was read. */
  const earlierNext = ref<string | null | undefined>(undefined)
  const loading = ref(false)
  const failed = ref<string | null>(null)
  const cursor = computed(() => (earlierNext.value === undefined ? newest.value?.next ?? null : earlierNext.value))

  /** Reads the next earlier page; resolves with how many turns it added (0 on failure: see `failed`). */
  async function loadEarlier(): Promise<number> {
    const before = cursor.value
    if (loading.value || !before) return 0
    loading.value = true
    failed.value = null
    try {
      const page = await listPage({ threadId, limit: pageSize, before })
      const shown = new Set(earlier.value.map(job => job.id))
      const added = page.jobs.filter(job => !shown.has(job.id))
      earlier.value = [...earlier.value, ...added]
      earlierNext.value = page.next
      return added.length
    }
    catch (failure) {
      failed.value = failureText(failure, 'load')
      return 0
    }
    finally {
      loading.value = false
    }
  }

  watch(newest, (current, previous) => {
    if (earlierNext.value === undefined || !previous || !current?.next) return
    const oldest = current.jobs.at(-1)
    if (!oldest) return
    const kept = new Set([...current.jobs, ...earlier.value].map(job => job.id))
    const pushedOut = previous.jobs.filter(job => !kept.has(job.id) && isOlder(job, oldest))
    if (pushedOut.length) earlier.value = [...pushedOut, ...earlier.value]
  })

  return {
    earlier,
    /** Whether older turns than those shown exist on the server. */
    hasEarlier: computed(() => cursor.value !== null),
    loading,
    failed,
    loadEarlier,
  }
}
