import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../runtime/logger.ts';
import { TeardownStack } from '../../runtime/teardown.ts';

describe('TeardownStack', () => {
  it('stops newest first, keeps going past a stop that throws, and runs each stop once', async () => {
    const stopped: string[] = [];
    const stack = new TeardownStack();
    stack.add('database', () => {
      stopped.push('database');
    });
    stack.add('broken', () => {
      throw new Error('boom');
    });
    stack.add('http', async () => {
      await Promise.resolve();
      stopped.push('http');
    });

    await stack.run(silentLogger());
    await stack.run(silentLogger());

    expect(stopped).toEqual(['http', 'database']);
  });
});
