/** What a notification says, as a toast and as a browser Notification. Pure, so it is unit-tested. */
import type { JobNotification } from '../../../app/lib/api-types'
import { cutTextWith } from '../../../shared/cut-text'

/**
 * The most of an input prompt a notification shows (then '…'), on one line: a prompt may embed a whole draft,
 * which the thread shows in full — a toast or a system notification only says what is asked.
 */
export const NOTIFICATION_BODY_MAX_CHARS = 200

/** The words and tone of one notification, or null when it is not worth showing. */
export interface NotificationText {
  title: string
  body: string
  tone: 'info' | 'success' | 'warning' | 'error'
}

/**
 * Describes a notification for people; `job-created` is silent (it only refreshes lists), and so is
 * `job-deleted` (the user deleted it; the thread list and view drop it). `job-lost` is not a
 * deletion: nobody asked for it, so it says what happened and what to do. An `input-request` of
 * `kind` `tool-output` waits for a browser tool, not for the user, and says so.
 */
export function describeNotification(notification: JobNotification): NotificationText | null {
  const name = notification.title ? `“${notification.title}”` : 'A job'
  if (notification.type === 'input-request') {
    // A client tool's call (decision 044): the app's browser code answers it, not the user; its
    // prompt ("Run the tool … in the browser with {…}") is for API clients, not a question to show.
    if (notification.kind === 'tool-output') {
      return { title: `${name} is waiting for a browser tool`, body: 'A tool that runs in the browser has to send its output; nothing here is yours to answer. Open the thread to see which tool.', tone: 'info' }
    }
    const prompt = cutTextWith((notification.prompt ?? '').replace(/\s+/g, ' ').trim(), NOTIFICATION_BODY_MAX_CHARS, '…')
    return { title: `${name} needs your answer`, body: prompt || 'A job is waiting for you.', tone: 'warning' }
  }
  if (notification.type === 'job-lost') {
    return { title: `${name} was lost`, body: 'The server’s job store no longer has it (it was restarted or cleared before the job ended). Send the message again.', tone: 'warning' }
  }
  if (notification.type !== 'job-end') return null
  switch (notification.status) {
    case 'completed':
      return { title: `${name} finished`, body: 'The answer is ready.', tone: 'success' }
    case 'failed':
      return { title: `${name} failed`, body: 'Open the thread to see what went wrong.', tone: 'error' }
    case 'aborted':
      return { title: `${name} was stopped`, body: 'Open the thread to see how far it got.', tone: 'info' }
    default:
      return null
  }
}
