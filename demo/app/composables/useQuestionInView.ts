/**
 * Whether a waiting job's question is on screen: its first control (the one "Show" focuses:
 * Approve, a field) wholly inside the conversation's scroll box. The line above the composer is
 * then redundant to the eye (see ThreadStatusLine.vue). The question's element comes and goes as
 * the turn renders, so the conversation's changes are watched to find it again.
 */
import type { Ref } from 'vue'

/** The control of a question that "Show" focuses. */
export const QUESTION_CONTROL = 'button:not(:disabled), input:not(:disabled), textarea:not(:disabled), select:not(:disabled)'

/** The question of job `jobId` in `root`, or null. */
export function questionOf(root: HTMLElement | null | undefined, jobId: string): HTMLElement | null {
  return root?.querySelector<HTMLElement>(`.turn[data-job-id="${CSS.escape(jobId)}"] .input-prompt`) ?? null
}

export function useQuestionInView(root: Ref<HTMLElement | null>, jobId: Ref<string | null>): Ref<boolean> {
  const inView = ref(false)
  let intersections: IntersectionObserver | null = null
  let mutations: MutationObserver | null = null
  let observed: Element | null = null

  function track(): void {
    const control = jobId.value ? questionOf(root.value, jobId.value)?.querySelector(QUESTION_CONTROL) ?? null : null
    if (control === observed) return
    if (observed) intersections?.unobserve(observed)
    observed = control
    inView.value = false
    if (control) intersections?.observe(control)
  }

  onMounted(() => {
    if (!root.value) return
    intersections = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.target === observed) inView.value = entry.intersectionRatio >= 1
      }
    }, { root: root.value, threshold: [0, 1] })
    mutations = new MutationObserver(track)
    mutations.observe(root.value, { childList: true, subtree: true })
    watch(jobId, track, { immediate: true, flush: 'post' })
  })
  onBeforeUnmount(() => {
    intersections?.disconnect()
    mutations?.disconnect()
  })
  return inView
}
