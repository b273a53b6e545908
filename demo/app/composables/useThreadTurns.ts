/**
 * The turns a thread shows, oldest first: the newest page from the server (read during SSR),
 * earlier pages as the user asks for them (useEarlierTurns), and the jobs this browser remembers
 * that the server no longer lists (lost in a restart), minus the turns removed here. This
 * browser's memory is read after mount, so SSR and hydration agree.
 */
import type { JobListPage, JobSummary } from '../../../app/lib/api-types'
import { forgetAnswer } from '../lib/kept-answers'
import { forgetJob, knownJobs, mergeKnownJobs, rememberJobs } from '../lib/known-jobs'
import { sortOldestFirst } from '../lib/threads'
import { threadPageSize } from '../lib/thread-page-size'

/** The turns of `threadId`, and what changes them at once (a turn started here, one removed). */
export function useThreadTurns(threadId: string) {
  const { listPage } = useBackgroundJobs()
  // The newest page of turns; older ones come a page at a time with "Show earlier messages".
  const pageSize = threadPageSize(useRuntimeConfig().public.threadPageSize)
  const { data: newestPage, refresh, status: listStatus, error: listError } = useAsyncData(
    `background-jobs:thread:${threadId}`,
    async (): Promise<JobListPage> => {
      try {
        return await listPage({ threadId, limit: pageSize })
      }
      catch (failure) {
        // A failed re-read (a notification's refresh) keeps the turns shown: useAsyncData would empty the page.
        const shown = newestPage.value
        if (!shown?.jobs.length) throw failure
        return shown
      }
    },
    { default: (): JobListPage => ({ jobs: [], next: null }) },
  )
  /** The newest page's turns (writable: a turn started here or deleted elsewhere changes them at once). */
  const jobs = computed<JobSummary[]>({
    get: () => newestPage.value?.jobs ?? [],
    set: value => newestPage.value = { jobs: value, next: newestPage.value?.next ?? null },
  })
  const { earlier, hasEarlier, loading: loadingEarlier, failed: earlierFailed, loadEarlier } = useEarlierTurns(threadId, newestPage, pageSize)
  // This browser's memory of the thread: read after mount, so SSR and hydration agree.
  const mounted = ref(false)
  const known = ref<JobSummary[]>([])
  const removed = ref<string[]>([])
  const turns = computed(() => {
    const onServer = [...(jobs.value ?? []), ...earlier.value]
    // Turns this browser remembers from before the oldest page read are not lost: they are on a page not read yet.
    const oldestRead = onServer.reduce<JobSummary | null>((oldest, job) => (!oldest || job.createdAt < oldest.createdAt ? job : oldest), null)
    const rememberedInRange = hasEarlier.value && oldestRead ? known.value.filter(job => job.createdAt >= oldestRead.createdAt) : known.value
    return sortOldestFirst(mergeKnownJobs(onServer, rememberedInRange)).filter(job => !removed.value.includes(job.id))
  })

  onMounted(() => {
    mounted.value = true
    known.value = knownJobs(threadId)
    rememberJobs(jobs.value ?? [])
  })
  watch(jobs, (current) => {
    if (mounted.value) rememberJobs(current ?? [])
  })

  /** Shows a job started here at once (the list refresh brings the same). */
  function addLocalJob(job: JobSummary): void {
    rememberJobs([job])
    if (jobs.value?.some(existing => existing.id === job.id)) return
    jobs.value = [job, ...(jobs.value ?? [])]
  }

  /** Forgets a turn in this browser (its job, its kept answer) and takes it off the thread. */
  function remove(jobId: string): void {
    forgetJob(jobId)
    forgetAnswer(jobId)
    removed.value = [...removed.value, jobId]
  }

  return { jobs, refresh, listStatus, listError, earlier, hasEarlier, loadingEarlier, earlierFailed, loadEarlier, mounted, turns, addLocalJob, remove }
}
