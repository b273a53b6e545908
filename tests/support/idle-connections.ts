/**
 * Test HTTP servers keep their idle keep-alive connections until closed: with Node's default
 * `keepAliveTimeout` (5 s, plus Node 24's 1 s buffer) the server's own idle timer raced the test's
 * next request on that connection — after a synchronous stretch of the test process longer than
 * that (a component's first render, on a loaded machine), fetch reused the connection in the same
 * turn as the server's timer destroyed it: 'fetch failed', ECONNRESET. The client (undici, Node's
 * agent) closes the connections it leaves idle itself, which is no race; the server's close drops
 * the rest (`close()` drops idle ones, `closeAllConnections()` or its own socket list all).
 */
import type { Server } from 'node:http'

/** `server`, never dropping an idle keep-alive connection by itself. */
export function keepingIdleConnections<T extends Server>(server: T): T {
  server.keepAliveTimeout = 0
  return server
}
