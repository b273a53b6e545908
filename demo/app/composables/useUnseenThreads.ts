/**
 * Threads with results the user has not looked at yet (a badge in the thread list). Kept in this
 * browser only, shared by its tabs (lib/unseen-threads.ts): a thread is marked seen when it is
 * opened, and dropped when it is deleted.
 */
import { changeUnseen, readUnseen, UNSEEN_THREADS_KEY } from '../lib/unseen-threads'

/** Marks and clears unseen threads. */
export function useUnseenThreads() {
  const unseen = useState<string[]>('background-jobs:unseen', () => [])

  // Read on the client once mounted (SSR renders no badges, so hydration matches), then followed
  // as other tabs change it (the `storage` event: only other tabs' writes fire it).
  if (!import.meta.server) {
    const follow = (event: StorageEvent) => {
      if (event.key === UNSEEN_THREADS_KEY || event.key === null) unseen.value = readUnseen() ?? unseen.value
    }
    onMounted(() => {
      unseen.value = readUnseen() ?? unseen.value
      window.addEventListener('storage', follow)
    })
    onBeforeUnmount(() => window.removeEventListener('storage', follow))
  }

  function markUnseen(threadId: string): void {
    unseen.value = changeUnseen(unseen.value, ids => (ids.includes(threadId) ? ids : [...ids, threadId]))
  }

  function markSeen(threadId: string): void {
    unseen.value = changeUnseen(unseen.value, ids => ids.filter(id => id !== threadId))
  }

  return { unseen, isUnseen: (threadId: string) => unseen.value.includes(threadId), markUnseen, markSeen }
}
