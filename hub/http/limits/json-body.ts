import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';

/**
 * JSON bodies for every route: the route's byte limit is enforced while reading (fastify
 * answers 413 from Content-Length before reading at all), then a linear scan refuses
 * nesting deeper than `maxDepth` before JSON.parse and the schemas see it, so no body
 * can cost more than a pass over at most the limit's bytes (docs/security.md). Prototype
 * poisoning keys (`__proto__`, `constructor.prototype`) are refused as before.
 */
export function registerJsonBodyParser(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (nestingExceeds(text, maxDepth)) {
      done(new ApiError(400, 'json_too_deep', `the JSON body nests deeper than ${maxDepth} levels; no request needs that`), undefined);
      return;
    }
    void parse(request, text, done);
  });
}

/** Whether arrays/objects nest deeper than `max` (strings and escapes skipped; malformed JSON is left to the parser). */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
