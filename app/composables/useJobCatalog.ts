/** What the server offers: the model (and whether it is the built-in scripted one), tools, workflows. */
import type { JobCatalog } from '../lib/api-types'
import { getCurrentInstance } from 'vue'
import { DEFAULT_CATALOG_LIMITS } from '../lib/catalog-limits'
import { newSessionToken, SESSION_STATE_KEY, watchStateCleared } from '../lib/state-cleared'
import type { SessionToken } from '../lib/state-cleared'

// Until it has loaded, chat counts as available: the composer is not held off by a slow catalog.
const EMPTY_CATALOG: JobCatalog = { model: { scripted: false, name: '' }, chat: { available: true, reason: null }, tools: [], workflows: [], limits: DEFAULT_CATALOG_LIMITS }

/** The clears (their tokens) the catalog was read again for: once per clear, however many components use it. */
const readAgainFor = new WeakSet<SessionToken>()

/**
 * The catalog, fetched once per app (SSR included) and shared; read again when the app clears its
 * state (`clearNuxtState()`: the signed-in user changed without a page load), as what it says
 * (chat's availability, limits) can be the user's.
 */
export function useJobCatalog() {
  const { data, error, refresh } = useFetch<JobCatalog>('/api/jobs/catalog', {
    key: 'background-jobs:catalog',
    $fetch: useJobsFetch(),
    default: () => EMPTY_CATALOG,
  })
  const session = useState<SessionToken | undefined>(SESSION_STATE_KEY, newSessionToken)
  if (!import.meta.server && getCurrentInstance()) {
    watchStateCleared(session, (token) => {
      if (readAgainFor.has(token)) return
      readAgainFor.add(token)
      void refresh()
    })
  }
  return { catalog: data, error, refresh }
}
