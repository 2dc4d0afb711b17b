/**
 * Deadlines for the waits of the end-to-end suites (issue 14). A wait that never ends
 * would otherwise surface as vitest's bare "Test timed out in 30000ms", which says
 * nothing about where it hung; a deadline names what the test was waiting for.
 * Each deadline must be shorter than the test's own timeout, or vitest's fires first.
 */
export class DeadlineError extends Error {
  readonly code = 'deadline_exceeded';
  readonly waitedFor: string;

  constructor(waitedFor: string, ms: number) {
    super(`timed out after ${ms} ms waiting for ${waitedFor}`);
    this.name = 'DeadlineError';
    this.waitedFor = waitedFor;
  }
}

/** Default for one wait: well inside vitest's 30 s test timeout (vitest.config.ts). */
export const WAIT_MS = 20_000;

/**
 * For a child process to start (node, the TypeScript loader, SQLite, ports): a second or
 * two alone, but 20 s and more were seen on the shared 2-core box at load 10–30. Tests
 * that start processes set their own timeout above this.
 */
export const START_MS = 45_000;

/**
 * Resolves or rejects as `promise` does, or rejects with a DeadlineError naming `what`
 * after `ms`. The timer is cleared as soon as the promise settles, so no timer outlives
 * the wait.
 */
export function withDeadline<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  // The stack where the wait began: a timer's own stack would not show which await hung.
  const origin = new Error('here').stack?.split('\n').slice(2).join('\n') ?? '';
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new DeadlineError(what, ms);
      error.stack = `${error.name}: ${error.message}\n${origin}`;
      reject(error);
    }, ms);
    Promise.resolve(promise).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
