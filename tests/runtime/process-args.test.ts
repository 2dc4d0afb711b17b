import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bindDashValues, generateSecret } from '../../runtime/process-args.ts';

const options = { password: { type: 'string' }, config: { type: 'string' }, verbose: { type: 'boolean' } } as const;
const parse = (args: string[]) => parseArgs({ args: bindDashValues(args, options), options, strict: true, allowPositionals: true });

describe('generated secrets', () => {
  it('use only [A-Za-z0-9_-], 43 characters, and never begin with "-" (which a command line would take for an option)', () => {
    const secrets = Array.from({ length: 2000 }, generateSecret);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('bindDashValues', () => {
  it('takes a value beginning with "-" as the value of a string option', () => {
    expect(() => parseArgs({ args: ['--password', '-abc'], options, strict: true })).toThrow(/ambiguous/);
    expect(parse(['--password', '-abc', '--verbose']).values).toEqual({ password: '-abc', verbose: true });
  });

  it('leaves a forgotten value followed by another option to parseArgs, whose error names it', () => {
    expect(bindDashValues(['--config', '--password', 'pw'], options)).toEqual(['--config', '--password', 'pw']);
    expect(() => parse(['--config', '--password', 'pw'])).toThrow(/--config/);
  });

  it('leaves --name=value, booleans, positionals and everything after -- as they were', () => {
    const args = ['start', '--config=-x', '--verbose', '-y', '--', '--password', '-z'];
    expect(bindDashValues(args, options)).toEqual(args);
  });
});
