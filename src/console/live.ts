/**
 * The live alarm stream (SSE, CONTRACT §4). Every (re)connection passes the id of the last event
 * received as `last_event_id`, and the gateway replays what was missed, so a dropped connection
 * loses no alarm. The browser's own retry is not relied on: it gives up on an HTTP error.
 */
import type { AlarmEvent } from './types.js';

export type LinkState = 'connecting' | 'live' | 'lost';

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 5000;

export class AlarmStream {
  private source: EventSource | undefined;
  private lastEventId: string | undefined;
  private retryMs = MIN_RETRY_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly url: (lastEventId: string | undefined) => string,
    private readonly onEvent: (e: AlarmEvent) => void,
    private readonly onState: (s: LinkState) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
  }

  get lastId(): string | undefined {
    return this.lastEventId;
  }

  private open(): void {
    this.onState(this.lastEventId === undefined ? 'connecting' : 'lost');
    const source = new EventSource(this.url(this.lastEventId));
    this.source = source;
    source.onopen = () => {
      this.retryMs = MIN_RETRY_MS;
      this.onState('live');
    };
    source.addEventListener('alarm', (m: MessageEvent<string>) => {
      if (m.lastEventId) this.lastEventId = m.lastEventId;
      try {
        this.onEvent(JSON.parse(m.data) as AlarmEvent);
      } catch (err) {
        console.error('bad alarm event', err, m.data);
      }
    });
    source.onerror = () => {
      source.close();
      if (this.stopped) return;
      this.onState('lost');
      this.timer = setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
  }
}
