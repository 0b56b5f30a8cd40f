/**
 * Feeds the alarm book: opens the SSE stream first and, once it is live, loads the snapshot
 * (GET /api/v1/alarms), so no event falls between the two; events that arrive while the snapshot
 * loads are applied after it. New and escalated alarms are told to the book's alert listeners (the sound).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { AlarmBook } from './alarm-book.js';
import type { Api } from './api.js';
import { AlarmStream, type LinkState } from './live.js';
import type { AlarmEvent } from '../types.js';

const SNAPSHOT_RETRY_MS = 3000;

export function useLiveAlarms(api: Api): { book: AlarmBook; link: LinkState } {
  const book = useMemo(() => new AlarmBook(), []);
  const [link, setLink] = useState<LinkState>('connecting');

  useEffect(() => {
    let loaded = false;
    let snapshotAsked = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const buffered: AlarmEvent[] = [];
    const loadSnapshot = async (): Promise<void> => {
      try {
        const [active, recent] = await Promise.all([api.alarms({ state: 'active', limit: 1000 }), api.alarms({ state: 'all', limit: 200 })]);
        book.load([...recent, ...active]);
        loaded = true;
        buffered.splice(0).forEach((e) => book.apply(e));
      } catch {
        timer = setTimeout(() => void loadSnapshot(), SNAPSHOT_RETRY_MS);
      }
    };
    const onEvent = (e: AlarmEvent) => {
      if (!loaded) {
        buffered.push(e);
        return;
      }
      book.apply(e);
    };
    const onState = (s: LinkState) => {
      setLink(s);
      if (s === 'live' && !snapshotAsked) {
        snapshotAsked = true;
        void loadSnapshot();
      }
    };
    const stream = new AlarmStream(api.token, onEvent, onState);
    stream.start();
    return () => {
      stream.stop();
      clearTimeout(timer);
    };
  }, [api, book]);

  return { book, link };
}
