/**
 * A browser tab of the cluster fuzz (cluster-fuzz.ts): the real client follower
 * (app/lib/job-stream.ts) and reducer (app/lib/job-state.ts), whose EventSource reaches a random
 * live instance through the real SSE framing (sse-sink.ts `formatFrame`, parsed by
 * eventsource-parser as a browser would), and whose probe asks a random live instance. A stream
 * the server ends or an instance that dies breaks the EventSource as a browser sees it.
 */
import { createParser } from 'eventsource-parser'
import type { JobState } from '../../shared/reducer'
import { deltaLeavesGap } from '../../shared/reducer'
import { formatEventId, parseEventId } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import { followJobStream } from '../../app/lib/job-stream'
import type { JobStreamHandle } from '../../app/lib/job-stream'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import { formatFrame } from '../../server/lib/http/sse-sink'
import { JobNotFoundError } from '../../server/lib/errors'
import type { ViewerFrame, ViewerSink } from '../../server/lib/viewer'
import { FakeEventSource } from '../support/fake-event-source'

/** What a tab needs of an instance. */
export interface TabInstance {
  name: string
  alive: boolean
  engine: {
    attachViewer(userId: string, jobId: string, sink: ViewerSink, after: { epoch: number, seq: number } | null): Promise<{ open: boolean, upToDate?: boolean, detach: () => void }>
    getJob(userId: string, jobId: string): Promise<{ state: JobState }>
  }
  /** Streams served by this instance: broken when it dies. */
  streams: Set<() => void>
}

/** One tab following one job. */
export interface ClusterTab {
  name: string
  jobId: string
  state: JobState | null
  ended: boolean
  /** Every event and snapshot the tab applied (for the checks after each one). */
  onApplied?: (tab: ClusterTab, what: JobEvent | JobState) => void
  /** Closes the tab (the page goes away). */
  close(): void
  /** Reopens a closed tab from its state (a reload with the state kept). */
  reopen(): void
  following: boolean
}

/** Opens a tab of `jobId` for `userId`; `pickInstance` chooses the instance of each request. */
export function openTab(name: string, userId: string, jobId: string, pickInstance: () => TabInstance, state: JobState | null = null): ClusterTab {
  let handle: JobStreamHandle | null = null
  const tab: ClusterTab = {
    name,
    jobId,
    state,
    ended: false,
    following: false,
    close() {
      handle?.close()
      handle = null
      tab.following = false
    },
    reopen() {
      if (handle || tab.ended) return
      start()
    },
  }

  function connect(url: string): FakeEventSource {
    const source = new FakeEventSource(url)
    const instance = pickInstance()
    const query = new URL(url, 'http://x').searchParams.get('after')
    const after = query ? parseEventId(query) : null
    let ended = false
    let detach: (() => void) | null = null
    const parser = createParser({
      onEvent: message => {
        if (!source.closed) source.emit(message.event ?? 'message', JSON.parse(message.data), message.id)
      },
    })
    const end = (readyState: number) => {
      if (ended) return
      ended = true
      instance.streams.delete(breakStream)
      detach?.()
      if (!source.closed) source.fail(readyState)
    }
    const breakStream = () => end(0)
    const sink: ViewerSink = {
      send(frame: ViewerFrame) {
        if (ended) return
        // As the route writes it: the id carries the epoch.
        parser.feed(formatFrame(frame.event, formatEventId(frame.id, frame.epoch), frame.data))
      },
      comment() {},
      close: () => queueMicrotask(() => end(0)),
    }
    const originalClose = source.close.bind(source)
    source.close = () => {
      originalClose()
      if (!ended) {
        ended = true
        instance.streams.delete(breakStream)
        detach?.()
      }
    }
    instance.streams.add(breakStream)
    queueMicrotask(() => {
      if (!instance.alive) return end(0)
      instance.engine.attachViewer(userId, jobId, sink, after).then((attachment) => {
        detach = attachment.detach
        if (ended || source.closed) return attachment.detach()
        if (!attachment.open) {
          // A finished job replayed (or 204 for one fully seen): the stream ends.
          end(attachment.upToDate ? 2 : 0)
          return
        }
        source.open()
      }, (error: unknown) => end(error instanceof JobNotFoundError ? 2 : 0))
    })
    return source
  }

  function start() {
    tab.following = true
    handle = followJobStream({
      url: `/api/jobs/${jobId}/stream`,
      getSeq: () => tab.state?.seq ?? 0,
      getEpoch: () => tab.state?.epoch ?? 1,
      leavesGap: event => deltaLeavesGap(tab.state, event),
      onSnapshot: (snapshot) => {
        tab.state = adoptSnapshot(tab.state, snapshot)
        tab.onApplied?.(tab, snapshot)
      },
      onEvent: (event) => {
        tab.state = applyLiveEvent(tab.state, event)
        tab.onApplied?.(tab, event)
      },
      onEnd: () => {
        tab.ended = true
        tab.following = false
        handle = null
      },
      onLost: () => {
        tab.following = false
        handle = null
      },
      onGiveUp: () => {
        tab.following = false
        handle = null
      },
      staleAfterMs: 0,
      subscribeToWake: () => () => {},
      probe: async () => {
        const instance = pickInstance()
        try {
          return (await instance.engine.getJob(userId, jobId)).state
        }
        catch (error) {
          if (error instanceof JobNotFoundError) return null
          throw error
        }
      },
      createEventSource: connect,
    })
  }
  start()
  return tab
}
