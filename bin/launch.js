// Starts one of our TypeScript entry points: from the compiled runtime when it is
// current (see scripts/runtime.mjs), else through tsx (HUDUMA_RUNTIME=source forces
// that, for debugging with the sources). A stale runtime is rebuilt first in a child
// process, so the compiler never stays loaded in the hub, bridge or Secretariat.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBuilt, ROOT, runtimeDir } from '../scripts/runtime.mjs';

const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/runtime.mjs', import.meta.url));

/** `entry` is relative to the repository root, e.g. 'hub/main.ts'. */
export async function launch(entry) {
  if (process.env.HUDUMA_RUNTIME !== 'source') {
    let dir = runtimeDir();
    if (!isBuilt(dir)) {
      const build = spawnSync(process.execPath, [BUILD_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'] });
      dir = runtimeDir();
      if (build.status !== 0 || !isBuilt(dir)) {
        process.stderr.write('huduma: could not build the compiled runtime (see above); running the sources through tsx\n');
        dir = null;
      }
    }
    if (dir) return import(pathToFileURL(join(dir, entry.replace(/\.ts$/, '.js'))).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, entry)).href);
}
