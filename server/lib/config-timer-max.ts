/**
 * The longest time a timer can wait: Node fires a longer `setTimeout` at once (with a
 * TimeoutOverflowWarning), so a 40-day job limit would end every job as it starts. Every `…Ms`
 * setting is a timer's length except the retention, which is only compared with ages.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

const NOT_A_TIMER = new Set(['limits.retentionMs'])

/** Whether setting `key` is a timer's length, so at most `MAX_TIMER_MS`. */
export function isTimerSetting(key: string): boolean {
  return key.endsWith('Ms') && !NOT_A_TIMER.has(key)
}
