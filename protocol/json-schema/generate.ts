import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from './catalogue.ts';

// Script entry (npm run gen:schemas): writes protocol/json-schema/v1/*.schema.json.
const outDir = fileURLToPath(new URL('./v1/', import.meta.url));
mkdirSync(outDir, { recursive: true });
for (const [file, text] of renderJsonSchemas()) writeFileSync(`${outDir}${file}`, text);
process.stdout.write(`wrote ${renderJsonSchemas().size} schemas to ${outDir}\n`);
