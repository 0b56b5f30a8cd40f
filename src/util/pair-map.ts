/**
 * A map keyed by two strings (site_id + point_id, site_id + device_id…) without building a joined
 * key string per lookup: on the ingest hot path that concatenation showed up in profiles (#7).
 */
export class PairMap<V> {
  private readonly outer = new Map<string, Map<string, V>>();

  get(a: string, b: string): V | undefined {
    return this.outer.get(a)?.get(b);
  }

  has(a: string, b: string): boolean {
    return this.outer.get(a)?.has(b) ?? false;
  }

  set(a: string, b: string, value: V): this {
    let inner = this.outer.get(a);
    if (!inner) {
      inner = new Map();
      this.outer.set(a, inner);
    }
    inner.set(b, value);
    return this;
  }

  delete(a: string, b: string): boolean {
    return this.outer.get(a)?.delete(b) ?? false;
  }

  /** Drops every entry whose first key is `a` (a site's points). */
  deleteFirst(a: string): boolean {
    return this.outer.delete(a);
  }

  clear(): void {
    this.outer.clear();
  }

  /** Every value, in insertion order of their first keys. */
  *values(): Generator<V> {
    for (const inner of this.outer.values()) yield* inner.values();
  }

  get size(): number {
    let n = 0;
    for (const inner of this.outer.values()) n += inner.size;
    return n;
  }
}
