/** A Redis channel hub with no connection: listens to nothing, and `reconnect()` plays a pub/sub reconnect. */
import type { ChannelHub } from '../../server/lib/providers/redis-follow'

export function fakeChannelHub() {
  const reconnects = new Set<() => void>()
  const hub: ChannelHub = {
    listen: () => ({ ready: Promise.resolve(), stop: () => {} }),
    onReconnect(listener) {
      reconnects.add(listener)
      return () => reconnects.delete(listener)
    },
    get size() {
      return 0
    },
  }
  return { hub, reconnect: () => [...reconnects].forEach(listener => listener()) }
}
