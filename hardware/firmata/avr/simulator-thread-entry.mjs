// Worker entry: the repo runs TypeScript through tsx's loader with no build step, and a
// worker thread does not inherit the loader its parent registered, so it registers its
// own before loading the simulator (as hub/store/writer/writer-thread-entry.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./simulator-thread.ts');
