/**
 * The version of the layer's Convex functions, which `health:check` reports and the server checks
 * at boot (server/lib/providers/convex-boot-check.ts). No Convex imports, so the server can read it
 * without loading `convex`. Raise it when a server starts to need a function, argument or shape
 * that deployments of the current version lack: a server then refuses to start against older
 * functions, naming what to deploy, instead of failing requests. Deployments of a higher version
 * answer servers of a lower one (older shapes are kept at least one release; docs/providers.md).
 */
// 2: `jobs:create` takes `freeing` (the jobs a new AI SDK turn ends count free only while still
// active), `controls:send` keeps an abort's `answerJson` (answer and stop), and `deletion:recordLost`
// tells other instances of a job the store lost.
// 3: `jobs:create` takes `maxActivePerAddress` (anonymous users' active jobs per client address);
// job records carry `storeCreatedAt` (a takeover counts the time limit from it) and
// `leases:clusterLoad` answers `nextLapseInMs` (recovery scans as the next lease lapses).
// 4: `threads:renameThread` (a title the user gives a thread), which `threads:listThreads` returns.
// 5: `threads:renameThread` takes `renameId`, and `feed:userChanges` returns `renames`: a rename
// reaches the user's streams on every instance.
// 6: `threads:renameThread` answers the thread's newest job id (false: no such thread), which
// `feed:userChanges`' `renames` carry as `jobId`: a rename is told with the job it names.
// 7: the retention cron records each job it deletes in `jobDeletions`, which `feed:userChanges`
// returns among its `deletions`: retention reaches the user's streams on every instance.
export const FUNCTIONS_VERSION = 7
