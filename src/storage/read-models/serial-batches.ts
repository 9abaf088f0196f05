// Runs submitted work in batches, one batch at a time: whatever arrives while a batch is being written
// goes into the next one. On FerretDB this is what keeps a process's writes to a shared read-model
// document from overlapping (its updates are read-then-write); it also turns N concurrent writers into
// one round trip per collection per batch.

export class SerialBatches<T, R = void> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private running = false;

  /**
   * @param run writes one batch; answers one result per item (or throws: every item of the batch fails).
   * @param maxBatch items per batch at most (the rest wait for the next).
   */
  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.kick();
    });
  }

  /** Items waiting or being written. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  private kick(): void {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    this.run(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
      (e: unknown) => batch.forEach((b) => b.reject(e)),
    ).finally(() => {
      this.running = false;
      this.kick();
    });
  }
}

/** A Map that forgets its least recently used entries beyond `max`. */
export class LruMap<K, V> {
  private readonly m = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(k: K): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }

  set(k: K, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as K);
  }

  delete(k: K): void {
    this.m.delete(k);
  }

  get size(): number {
    return this.m.size;
  }
}
