#!/usr/bin/env node
// `huduma-hub`: runs the TypeScript sources directly through tsx's loader, so no
// build step is needed after `npm ci` (process contract). `demo` is the demo centre,
// which composes the hub with simulated devices and lives outside hub/.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'demo') {
  await import('../demo/main.ts');
} else {
  await import('../hub/main.ts');
}
