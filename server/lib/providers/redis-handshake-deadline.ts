/**
 * node-redis's connect timeout covers the TCP connection only: a Redis that accepts it and never
 * answers the handshake (a proxy or load balancer in front of Redis whose backend is gone, a hung
 * host, a flow dropped right after it opened) would hold the boot — and every request waiting on
 * it — for ever. So the first connection is bounded as a whole.
 */

/**
 * `connecting`, or a rejection once `timeoutMs` passed without it settling, or with `signal`'s
 * reason as soon as it aborts (the provider is disposed: nothing waits for the handshake then).
 */
export async function withinHandshakeDeadline<T>(connecting: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the connection opened but Redis did not finish the handshake within ${timeoutMs} ms`)), timeoutMs)
    timer.unref?.()
    onAbort = () => reject(signal!.reason)
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([connecting, timedOut])
  }
  finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort!)
  }
}
