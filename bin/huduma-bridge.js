#!/usr/bin/env node
// `huduma-bridge`: the EIFD bridge, run from the TypeScript sources through tsx's
// loader (no build step after `npm ci`, process contract).
import { register } from 'tsx/esm/api';

register();
await import('../firmware-bridge/main.ts');
