#!/usr/bin/env node
// `huduma-secretariat`: no build step after `npm ci` (process contract); see bin/launch.js.
import { launch } from './launch.js';

await launch('secretariat/main.ts');
