/** The options and the interface of the `convex` provider (convex.ts). */
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'
import type { ControlSubscriptionOptions } from './convex-control-subscription'
import type { ConvexFacade } from './convex-facade'
import type { EventSubscriptionOptions } from './convex-subscription'
import type { ChangedJobRecord, ControlReply, EventListener, JobControl, JobProvider, StoredJobControl, UserFeedSubscribeOptions } from './types'

/** How the provider reaches Convex: a deployment URL and the servers' secret, or a ready facade (tests). */
export type ConvexProviderOptions = ({ url: string, secret: string, facade?: never } | { facade: ConvexFacade, url?: never, secret?: never }) & {
  /**
   * Called when a subscription fails; `context.jobId` names the job a subscription to one job's
   * events, controls or control reply follows (never a user id). @default logs to the console
   */
  onError?: (error: unknown, context?: { jobId: string }) => void
  /**
   * Where the Convex client's own log lines go (one JSON line each), and the `job ended` line of a
   * creation the provider ended because it was stored after its caller gave up. @default the console logger
   */
  logger?: Logger
  /** Where subscription failures, and the ends of creations stored too late, are counted. @default the process registry */
  metrics?: Metrics
  /** Every query and mutation fails with `ProviderUnavailableError` after this. @default 10000 */
  timeoutMs?: number
  /** The `Retry-After` of that error. @default 5 */
  retryAfterSeconds?: number
}

/** The `convex` provider: every multi-instance call of the contract is there. */
export interface ConvexJobProvider extends JobProvider {
  /**
   * Calls `listener` with the events after `options.afterSeq` (catch-up first, then live; default:
   * from the job's last seq when the subscription starts), each once, in seq order. A negative or
   * garbage `afterSeq` means 0.
   */
  subscribe(id: string, listener: EventListener, options?: Pick<EventSubscriptionOptions, 'afterSeq' | 'onGone'>): () => void
  /** Stores a control for the job's owner and returns its id; throws `JobNotFoundError` for a missing or another user's job. */
  sendControl(id: string, control: JobControl): Promise<string>
  replyToControl(id: string, controlId: string, reply: ControlReply): Promise<void>
  subscribeControlReply(id: string, controlId: string, listener: (reply: ControlReply) => void): () => void
  readControlReply(id: string, controlId: string): Promise<ControlReply | null>
  /**
   * Calls `listener` with each control sent to the job after this call (with `fromStart`, the
   * stored ones first), once each, in the order sent.
   */
  subscribeControls(id: string, listener: (control: StoredJobControl) => void, options?: Pick<ControlSubscriptionOptions, 'fromStart'>): () => void
  /** Every control of the job stored so far, in the order sent (none for a missing job). */
  readControls(id: string): Promise<StoredJobControl[]>
  /** Calls `listener` with the user's jobs changed after this call, `onDeleted` with those deleted (see `feed:userChanges`). */
  subscribeUserJobs(userId: string, listener: (records: ChangedJobRecord[]) => void, options?: UserFeedSubscribeOptions): () => void
  /** Loads the client and checks the deployment (convex-boot-check.ts): call it at boot to fail early. */
  ready(): Promise<void>
  dispose(): Promise<void>
}
