/**
 * Threads with results the user has not looked at yet (a badge in the thread list). Kept in this
 * browser only; a thread is marked seen when it is opened.
 */
const STORAGE_KEY = 'background-jobs:unseen-threads'

/** Marks and clears unseen threads. */
export function useUnseenThreads() {
  const unseen = useState<string[]>('background-jobs:unseen', () => [])
  const loaded = useState('background-jobs:unseen-loaded', () => false)

  // Read once on the client; SSR renders no badges, so hydration matches.
  if (import.meta.client && !loaded.value) {
    onMounted(() => {
      if (loaded.value) return
      loaded.value = true
      try {
        const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown
        if (Array.isArray(stored)) unseen.value = [...new Set([...stored.map(String), ...unseen.value])]
      }
      catch {
        // Unreadable storage: start with no badges.
      }
    })
  }

  function save(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(unseen.value))
    }
    catch {
      // Storage disabled: badges last for this page only.
    }
  }

  function markUnseen(threadId: string): void {
    if (unseen.value.includes(threadId)) return
    unseen.value = [...unseen.value, threadId]
    save()
  }

  function markSeen(threadId: string): void {
    if (!unseen.value.includes(threadId)) return
    unseen.value = unseen.value.filter(id => id !== threadId)
    save()
  }

  return { unseen, isUnseen: (threadId: string) => unseen.value.includes(threadId), markUnseen, markSeen }
}
