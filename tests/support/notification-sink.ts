/** A notification stream's sink that keeps what it is sent, for tests of who hears what. */
import type { JobNotification } from '../../server/lib/notifications'

export const notificationSink = (into: JobNotification[]) => ({ send: (note: JobNotification) => into.push(note), comment() {}, close() {} })
