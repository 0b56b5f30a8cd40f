/**
 * Alarm fan-out: every stored alarm event goes to the MQTT topic `site/{site_id}/alarms` (QoS 1)
 * and to the SSE listeners. Events arrive here only after they are committed to the store, so
 * their sequence number (the SSE event id) is final and a reconnecting client can resume.
 */
import { EventEmitter } from 'node:events';
import type { StoredEvent } from '../domain/store.js';
import type { Logger } from '../util/log.js';
import { eventToWire } from '../alarms/wire.js';

export type AlarmListener = (event: StoredEvent) => void;

export class AlarmHub {
  private readonly emitter = new EventEmitter();

  constructor(
    private readonly publishMqtt: (site_id: string, json: string) => Promise<void>,
    private readonly timeZone: (site_id: string) => string,
    private readonly log: Logger,
  ) {
    this.emitter.setMaxListeners(0);
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
