/**
 * The demo tools' pause (slow_task, crawl_site): the pattern every long-running tool should
 * follow — it stops at once when its signal fires (job aborted or tool timeout), leaving no timer.
 */

/** Resolves after `delayMs`, or rejects with the signal's reason as soon as it fires. */
export function wait(delayMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, delayMs)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
