// The worker entry of the isolation tests: the layer's worker runtime over the test tools.
import { createToolWorker } from '../../server/lib/isolation/worker-runtime'
import { ISOLATION_TEST_TOOLS } from './isolation-tools'

export default createToolWorker(ISOLATION_TEST_TOOLS.map(tool => async () => ({ default: tool })))
