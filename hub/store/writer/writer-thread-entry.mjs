// Worker entry: the hub runs its TypeScript through tsx's loader with no build step,
// and a worker thread does not inherit the loader the main thread registered, so it
// registers its own before loading the writer.
import { register } from 'tsx/esm/api';

register();
await import('./writer-thread.ts');
