/** A small toast queue for the demo (one per app; SSR-safe through `useState`). */

/** One toast. */
export interface Toast {
  id: number
  message: string
  tone: 'info' | 'success' | 'warning' | 'error'
  /** Where clicking the toast goes, if anywhere. */
  to?: string
}

/** How long a toast stays while the user is not on it (timed by ToastList.vue, held while hovered or focused). */
export const TOAST_DURATION_MS = 6_000
/** Most toasts shown at once; older ones go first. */
const MAX_TOASTS = 4

let nextToastId = 1

/** Shows and dismisses toasts. */
export function useToasts() {
  const toasts = useState<Toast[]>('background-jobs:toasts', () => [])

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter(toast => toast.id !== id)
  }

  function push(toast: Omit<Toast, 'id'>): number {
    const id = nextToastId++
    toasts.value = [...toasts.value, { ...toast, id }].slice(-MAX_TOASTS)
    return id
  }

  return { toasts, push, dismiss }
}
