#!/usr/bin/env -S node --max-semi-space-size=4
// `huduma-hub`: no build step after `npm ci` (process contract); see bin/launch.js.
// `demo` is the demo centre, which composes the hub with simulated devices and
// lives outside hub/.
import { launch } from './launch.js';

await launch(process.argv[2] === 'demo' ? 'demo/main.ts' : 'hub/main.ts');
