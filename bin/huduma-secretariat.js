#!/usr/bin/env node
// `huduma-secretariat`: runs the TypeScript sources directly through tsx's loader, so
// no build step is needed after `npm ci` (process contract).
import { register } from 'tsx/esm/api';

register();
await import('../secretariat/main.ts');
