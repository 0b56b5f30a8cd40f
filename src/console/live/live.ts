/**
 * The live alarm stream (SSE, CONTRACT §4). Every (re)connection sends the id of the last event
 * received as Last-Event-ID, and the gateway replays what was missed, so a dropped connection
 * loses no alarm. The gateway writes a keepalive every 15 s; a stream silent for 40 s is taken as
 * dead (a half-open connection through a NAT or proxy) and reopened.
 */
import { UNAUTHORIZED } from './api.js';
import { parseSse } from './sse.js';
import type { AlarmEvent } from '../types.js';

export type LinkState = 'connecting' | 'live' | 'lost';

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 5000;
const SILENCE_MS = 40_000;

export class AlarmStream {
  private lastEventId: string | undefined;
  private retryMs = MIN_RETRY_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | undefined;
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly onEvent: (e: AlarmEvent) => void,
    private readonly onState: (s: LinkState) => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private async run(): Promise<void> {
    this.onState(this.lastEventId === undefined ? 'connecting' : 'lost');
    const abort = new AbortController();
    this.abort = abort;
    let watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${this.token}` };
      if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
      const res = await fetch('/api/v1/alarms/stream', { headers, signal: abort.signal, cache: 'no-store' });
      if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED));
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      this.retryMs = MIN_RETRY_MS;
      this.onState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        for (const m of parsed.messages) if (m.event === 'alarm') this.deliver(m.id, m.data);
      }
    } catch {
      /* dropped, refused or silent: reconnect below */
    } finally {
      clearTimeout(watchdog);
    }
    if (this.stopped) return;
    this.onState('lost');
    this.timer = setTimeout(() => void this.run(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private deliver(id: string | undefined, data: string): void {
    if (id) this.lastEventId = id; // a bad event is not fixed by replaying it
    try {
      this.onEvent(JSON.parse(data) as AlarmEvent);
    } catch (err) {
      console.error('bad alarm event', err, data);
    }
  }
}
