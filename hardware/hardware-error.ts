/**
 * The base of every error in hardware/. `code` is stable and never reused, so callers
 * branch on codes rather than message text; `disconnected` is true when the error means
 * the line went away and a reopen follows (node-serialport's `DisconnectedError` flag),
 * so the hub can tell "retry later" from "this will never work".
 */
export abstract class HardwareError<Code extends string> extends Error {
  readonly code: Code;
  readonly disconnected: boolean;

  protected constructor(name: string, code: Code, message: string, options: { cause?: unknown } | undefined, disconnected = false) {
    super(message, options);
    this.name = name;
    this.code = code;
    this.disconnected = disconnected;
  }
}

/** Whether `error` is an instance of `type` (with `code`, if given): the per-driver `is…Error` checks. */
export function isErrorOf<E extends HardwareError<string>>(type: abstract new (...args: never[]) => E, error: unknown, code?: E['code']): error is E {
  return error instanceof type && (code === undefined || error.code === code);
}
