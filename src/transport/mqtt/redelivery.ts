/**
 * Recognises a QoS 1 or QoS 2 PUBLISH that a client sends again (MQTT 3.1.1 §3.3.1.1: DUP = 1 on
 * a re-delivery; §4.3.2, §4.3.3). A redelivery keeps the receive time of the first delivery, so a
 * payload without its own `ts` gets the same reading times again and the ingest flow absorbs it
 * as an exact repeat instead of storing and judging it twice.
 *
 * Remembered per client id and packet identifier with a digest of the payload, for a bounded
 * number of packets (the oldest are forgotten first); after a gateway restart nothing is
 * remembered, which is right: an unacknowledged publish may not have been stored.
 */
import { createHash } from 'node:crypto';

const DEFAULT_CAPACITY = 50_000;

interface FirstDelivery {
  digest: string;
  at: number;
}

export class RedeliveryMemory {
  /** One flat map, not a PairMap: its insertion order is the LRU order that bounds it. */
  private readonly seen = new Map<string, FirstDelivery>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /**
   * Notes one QoS > 0 publish received at `at`; returns the first delivery's time when this is a
   * DUP resend of a publish already seen (same client, packet id and payload), else undefined.
   */
  receive(client_id: string, messageId: number, dup: boolean, payload: Buffer, at: number): number | undefined {
    const key = `${client_id}\u0000${messageId}`;
    const digest = createHash('sha1').update(payload).digest('base64');
    const first = this.seen.get(key);
    if (dup && first?.digest === digest) return first.at;
    this.seen.delete(key);
    this.seen.set(key, { digest, at });
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return undefined;
  }
}
