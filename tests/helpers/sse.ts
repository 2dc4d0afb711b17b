/** A real EventSource-style reader over fetch: frames as they arrive, for tests. */
export class SseReader {
  readonly #frames: Array<{ event: string; data: string }> = [];
  readonly #waiters: Array<() => void> = [];
  readonly #abort = new AbortController();

  static async open(url: string): Promise<SseReader> {
    const reader = new SseReader();
    const response = await fetch(url, { signal: reader.#abort.signal });
    if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not an event stream: ${response.status}`);
    void reader.#pump(response.body!);
    return reader;
  }

  async #pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) frame.event = line.slice(7);
            else if (line.startsWith('data: ')) frame.data += line.slice(6);
          }
          if (frame.data) this.#frames.push(frame);
          for (const wake of this.#waiters.splice(0)) wake();
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  /** Resolves with the first frame of `event` (from the start) whose parsed data passes `test`. */
  async next<T>(event: string, test: (data: T) => boolean): Promise<T> {
    for (;;) {
      for (const frame of this.#frames) {
        if (frame.event !== event) continue;
        const data = JSON.parse(frame.data) as T;
        if (test(data)) return data;
      }
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  close(): void {
    this.#abort.abort();
  }
}
