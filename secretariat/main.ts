// The Secretariat's process entry (runtime/main.ts: signals, umask, exit codes).
import { runMain } from '../runtime/main.ts';
import { runCli } from './cli/run.ts';

await runMain(runCli);
