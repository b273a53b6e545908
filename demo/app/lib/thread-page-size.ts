/**
 * How many turns the thread view reads at a time: the newest page when it opens, then each
 * "Show earlier messages". The server caps a page at 200.
 */

/** The turns of one read unless `runtimeConfig.public.threadPageSize` says otherwise. */
export const DEFAULT_THREAD_PAGE_SIZE = 100
const MAX_THREAD_PAGE_SIZE = 200

/** The configured page size (`NUXT_PUBLIC_THREAD_PAGE_SIZE`), or the default when it is not a whole number from 1 to 200. */
export function threadPageSize(configured: unknown): number {
  const size = Number(configured)
  return Number.isInteger(size) && size >= 1 && size <= MAX_THREAD_PAGE_SIZE ? size : DEFAULT_THREAD_PAGE_SIZE
}
