/**
 * A hard cap on the size of MQTT packets, checked on the raw byte stream before aedes buffers a
 * packet whole (its parser has no limit). Each packet's size is read from its fixed header: one
 * type byte, then the Remaining Length as a 1-4 byte varint (MQTT 3.1.1 §2.2.3).
 */
export class FrameSizeMeter {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private toSkip = 0;

  constructor(private readonly maxPacketBytes: number) {}

  /** Feeds received bytes; returns a reason when a packet is too large or malformed, else null. */
  feed(chunk: Uint8Array): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const n = Math.min(this.toSkip, chunk.length - i);
        this.toSkip -= n;
        i += n;
        if (this.toSkip === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.state === 'type') {
        Object.assign(this, { state: 'length', length: 0, multiplier: 1, lengthBytes: 0 });
        continue;
      }
      const problem = this.lengthByte(byte);
      if (problem) return problem;
    }
    return null;
  }

  private lengthByte(byte: number): string | null {
    this.length += (byte & 0x7f) * this.multiplier;
    this.multiplier *= 128;
    this.lengthBytes++;
    if (byte & 0x80) return this.lengthBytes >= 4 ? 'malformed remaining length' : null;
    const total = 1 + this.lengthBytes + this.length;
    if (total > this.maxPacketBytes) return `packet of ${total} bytes exceeds gateway.mqtt.max_packet_bytes (${this.maxPacketBytes})`;
    this.toSkip = this.length;
    this.state = this.length === 0 ? 'type' : 'body';
    return null;
  }
}
