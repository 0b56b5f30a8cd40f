/** Small Preact hooks: a shared clock, polling, and subscribing to the alarm book. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlarmBook } from './alarm-book.js';

const tickers = new Set<(now: number) => void>();
let clock: ReturnType<typeof setInterval> | undefined;

/** The current time, refreshed every second by one shared timer (hundreds of age cells, one interval). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    tickers.add(setNow);
    clock ??= setInterval(() => {
      const t = Date.now();
      tickers.forEach((f) => f(t));
    }, 1000);
    return () => {
      tickers.delete(setNow);
      if (tickers.size === 0) clearInterval(clock), (clock = undefined);
    };
  }, []);
  return now;
}

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
}

/** Calls `load` now and every `ms` while mounted (and again when `deps` change); keeps the last good data. */
export function usePoll<T>(load: () => Promise<T>, ms: number, deps: unknown[]): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined });
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    setState({ data: undefined, error: undefined });
    const tick = async () => {
      try {
        const data = await loadRef.current();
        if (alive) setState({ data, error: undefined });
      } catch (err) {
        if (alive) setState((s) => ({ data: s.data, error: (err as Error).message }));
      }
      if (alive) timer = setTimeout(tick, ms);
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

/** Re-renders when the alarm book changes; returns its version. */
export function useBook(book: AlarmBook): number {
  const [version, setVersion] = useState(book.version);
  useEffect(() => book.subscribe(() => setVersion(book.version)), [book]);
  return version;
}
