/**
 * Per-centre serialisation inside this process (docs/architecture.md,
 * "Per-centre serialisation at the Secretariat"): a promise chain per centre, so two requests of
 * one centre never apply concurrently while different centres proceed in parallel.
 * The stores lock too (that is what holds across several receiver processes); this
 * only spares them pointless contention and keeps a centre's batches in arrival order.
 */
export class CentreQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued earlier for `centreId` has settled. */
  run<T>(centreId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(centreId) ?? Promise.resolve();
    // A failed predecessor must not fail its successor: chain on settle, not success.
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(centreId, tail);
    // Drop the entry once the chain is idle, so the map holds only busy centres.
    void tail.then(() => {
      if (this.#tails.get(centreId) === tail) this.#tails.delete(centreId);
    });
    return result;
  }

  /** Centres with a task queued or running (for tests and debugging). */
  get busyCentres(): number {
    return this.#tails.size;
  }
}
