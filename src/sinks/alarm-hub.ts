/**
 * Alarm fan-out: every stored alarm event goes to the MQTT topic `site/{site_id}/alarms` (QoS 1)
 * and to the SSE listeners. Events arrive here only after they are committed to the store, so
 * their sequence number (the SSE event id) is final and a reconnecting client can resume.
 *
 * Alone, the gateway's own commits are dispatched at once. In a cluster on the shared store the
 * hub is fed by one ordered feed (src/cluster/fanout.ts) with every instance's events in seq
 * order, its own included: a local commit only wakes that feed (`fedBy`), so an SSE client never
 * sees a later seq before an earlier one.
 */
import { EventEmitter } from 'node:events';
import type { StoredEvent } from '../domain/store.js';
import type { Logger } from '../util/log.js';
import { eventToWire } from '../alarms/wire.js';

export type AlarmListener = (event: StoredEvent) => void;

/** What reads committed events back in seq order: told the last seq of each local commit. */
export interface OrderedFeed {
  wake(seq: number): void;
}

export class AlarmHub {
  private readonly emitter = new EventEmitter();
  private feed: OrderedFeed | undefined;

  constructor(
    private readonly publishMqtt: (site_id: string, json: string) => Promise<void>,
    private readonly timeZone: (site_id: string) => string,
    private readonly log: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** From now on the hub's events come from `feed` only; local commits wake it. */
  fedBy(feed: OrderedFeed | undefined): void {
    this.feed = feed;
  }

  /** Events this instance has just committed: dispatched now, or read back by the feed in order with the others'. */
  committed(events: readonly StoredEvent[]): void {
    if (!events.length) return;
    if (this.feed) this.feed.wake(events.reduce((m, e) => Math.max(m, e.seq), 0));
    else this.dispatch(events);
  }

  dispatch(events: readonly StoredEvent[]): void {
    for (const e of events) {
      const site = e.alarm.site_id;
      this.publishMqtt(site, JSON.stringify(eventToWire(e, this.timeZone(site)))).catch((err: Error) =>
        this.log.error({ alarm_id: e.alarm.alarm_id, err: err.message }, 'alarm not published on MQTT'),
      );
      this.emitter.emit('event', e);
    }
  }

  subscribe(listener: AlarmListener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
