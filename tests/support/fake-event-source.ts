/**
 * A scriptable EventSource for the client's stream followers (app/lib/job-stream.ts,
 * app/lib/notification-stream.ts): the test opens it, fails it and pushes named events.
 */
import type { EventSourceLike } from '../../app/lib/job-stream'

export class FakeEventSource implements EventSourceLike {
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  closed = false
  private listeners = new Map<string, ((event: MessageEvent) => void)[]>()
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  emit(type: string, data: unknown, lastEventId?: string) {
    for (const listener of this.listeners.get(type) ?? []) listener({ data: JSON.stringify(data), lastEventId } as MessageEvent)
  }
  open() {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  /** A break as a browser reports it: 0 (CONNECTING, about to retry by itself) or 2 (CLOSED, gave up). */
  fail(readyState = 0) {
    this.readyState = readyState
    this.onerror?.(new Event('error'))
  }
}
