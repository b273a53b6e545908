/**
 * A wait with a budget: resolves as `promise` does, or rejects after `budgetMs` with a message
 * naming what was awaited and what was seen meanwhile. For waits whose event may never come (a
 * takeover that does not happen): the test fails saying so, instead of timing out with no clue.
 */
export async function within<T>(promise: Promise<T>, budgetMs: number, describe: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${budgetMs} ms: ${describe()}`)), budgetMs)
  })
  try {
    return await Promise.race([promise, expired])
  }
  finally {
    clearTimeout(timer)
  }
}
