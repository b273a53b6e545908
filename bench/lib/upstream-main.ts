/**
 * The paced upstream as its own process (PORT from the environment), so that under fan-out load
 * writing tens of thousands of chunks per second is charged neither to the server under test nor
 * to the viewers' event loop. Controlled over HTTP: see `startUpstreamProcess`.
 */
import { startPacedUpstream } from './paced-upstream.ts'

await startPacedUpstream({ chunksPerSecond: 50, chunkCount: 1 }, Number(process.env.PORT))
process.on('SIGTERM', () => process.exit(0))
