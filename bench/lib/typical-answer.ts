/**
 * A typical assistant answer (Markdown, ~1,800 characters) cut into token-sized pieces, for
 * measuring bytes on the wire with and without gzip on realistic text.
 */
const ANSWER = `Here is a practical way to think about it.

## 1. Start with the data you already have

Before you build anything new, look at the logs your service already writes. Most teams find that
the question they are asking — "why did this request take four seconds?" — is answered by two or
three fields they never looked at: the upstream latency, the queue time and the retry count.

- **Upstream latency**: how long the model provider took to send the first token.
- **Queue time**: how long the job waited before a worker picked it up.
- **Retries**: a 429 or a 5xx before the first token is retried with backoff, which adds seconds.

## 2. Measure, then change one thing

Pick the slowest percentile that matters to your users (p95 is a good default) and write it down.
Then change one thing at a time: raise the concurrency limit, move the region, or shorten the
prompt. After each change, run the same load for the same time and compare the same percentile.

\`\`\`ts
const started = performance.now()
const response = await fetch(url, { method: 'POST', body })
console.log('first byte after', performance.now() - started, 'ms')
\`\`\`

## 3. Keep the user informed

Streaming the answer as it is generated makes a long answer feel fast: the first words appear
within a second even when the whole answer takes twenty. If the user leaves the page, the job keeps
running on the server, and when they come back the page shows everything that happened so far and
then continues live. Nothing is lost and nothing is shown twice.

## 4. Summary

1. Read the fields you already log.
2. Change one thing at a time and measure the same percentile.
3. Stream the answer, and let people leave and come back.

If you want, I can look at a sample of your logs and point out where the time goes.
`

/** The answer's pieces: a word with its trailing space, like the tokens a model streams. */
export const TYPICAL_ANSWER_CHUNKS: string[] = ANSWER.match(/\S+\s*|\s+/g) ?? [ANSWER]

/** The whole answer. */
export const TYPICAL_ANSWER = ANSWER
