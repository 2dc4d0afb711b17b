#!/usr/bin/env node
// `huduma-bridge`: the EIFD bridge; no build step after `npm ci` (see bin/launch.js).
import { launch } from './launch.js';

await launch('firmware-bridge/main.ts');
