/** A promise a test settles by hand, and a way to let promise reactions run with no timer involved. */

/** A promise and what settles it. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

/** Lets pending promise reactions run (twenty turns of the microtask queue; no timers involved). */
export async function flushPromises(): Promise<void> {
  for (let round = 0; round < 20; round++) await Promise.resolve()
}
