// The bridge's process entry (runtime/main.ts: signals, umask, exit codes). A second
// signal stops waiting: votes are already in the journal.
import { runMain } from '../runtime/main.ts';
import { runBridgeCli } from './cli.ts';

await runMain(runBridgeCli);
