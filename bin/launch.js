// Starts one of our TypeScript entry points: from the compiled runtime when it is
// current (see scripts/runtime.mjs; rebuilt here if the sources changed), else
// through tsx (HUDUMA_RUNTIME=source forces that, for debugging with the sources).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { buildRuntime, ROOT } from '../scripts/runtime.mjs';

/** `entry` is relative to the repository root, e.g. 'hub/main.ts'. */
export async function launch(entry) {
  if (process.env.HUDUMA_RUNTIME !== 'source') {
    let dir = null;
    try {
      dir = await buildRuntime();
    } catch (error) {
      process.stderr.write(`huduma: could not build the compiled runtime (${error.message}); running the sources through tsx\n`);
    }
    if (dir) return import(pathToFileURL(join(dir, entry.replace(/\.ts$/, '.js'))).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, entry)).href);
}
