/**
 * The demo's reaction to the user's job notifications (the layer's `useJobNotifications` stream):
 * a toast unless the thread is on screen, an "unseen" badge on its thread (gone with the thread), and a browser
 * Notification when the tab is hidden and permission was given. Call it once, in app.vue.
 */
import { describeNotification } from '../lib/notification-text'

/** The thread on screen, if any (set by the thread view), so its own notifications stay quiet. */
export function useViewingThread() {
  return useState<string | null>('background-jobs:viewing-thread', () => null)
}

/** Turns notifications into toasts, badges and browser notifications for as long as the caller is mounted. */
export function useChatNotifications() {
  const { onNotification } = useJobNotifications()
  const { onDeleted } = useBackgroundJobs()
  const { push } = useToasts()
  const { markUnseen, markSeen } = useUnseenThreads()
  const viewingThreadId = useViewingThread()

  // A result that came while the tab was hidden marked the thread on screen unseen: once the tab
  // is shown again (or a page opens a thread: the AI SDK page too), the user sees it — no "new"
  // badge left on a thread they have read.
  const seeViewed = () => {
    if (viewingThreadId.value && !document.hidden) markSeen(viewingThreadId.value)
  }
  watch(viewingThreadId, seeViewed)
  onMounted(() => document.addEventListener('visibilitychange', seeViewed))
  onBeforeUnmount(() => document.removeEventListener('visibilitychange', seeViewed))

  // A deleted thread's badge goes with it (its jobs deleted in this tab or, told by the stream, elsewhere).
  onDeleted(({ threadId }) => {
    if (threadId) markSeen(threadId)
  })

  onNotification((notification) => {
    const text = describeNotification(notification)
    if (!text) return
    const path = notification.threadId ? `/threads/${encodeURIComponent(notification.threadId)}` : undefined
    const onScreen = Boolean(notification.threadId) && notification.threadId === viewingThreadId.value && !document.hidden
    if (notification.threadId && !onScreen) markUnseen(notification.threadId)
    if (!onScreen) push({ message: text.title, tone: text.tone, to: path })
    showBrowserNotification(text.title, text.body, () => {
      if (path) void navigateTo(path)
    })
  })
}
