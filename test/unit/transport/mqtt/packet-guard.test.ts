import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { FrameSizeMeter } from '../../../../src/transport/mqtt/packet-guard.js';

const publish = (bytes: number): Buffer => mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, dup: false, retain: false }) as Buffer;

describe('FrameSizeMeter', () => {
  it('passes packets up to the limit, split anywhere across chunks', () => {
    const stream = Buffer.concat([publish(100), publish(0), publish(20_000), publish(5)]);
    for (const cut of [1, 2, 3, 7, 1000, stream.length]) {
      const meter = new FrameSizeMeter(20_010);
      for (let i = 0; i < stream.length; i += cut) expect(meter.feed(stream.subarray(i, i + cut))).toBeNull();
    }
  });

  it('stops a packet over the limit as soon as its header is read', () => {
    const meter = new FrameSizeMeter(1024);
    expect(meter.feed(publish(10))).toBeNull();
    const big = publish(5000);
    expect(meter.feed(big.subarray(0, 4))).toBe(`packet of ${big.length} bytes exceeds gateway.mqtt.max_packet_bytes (1024)`);
  });

  it('rejects a remaining length longer than four bytes', () => {
    expect(new FrameSizeMeter(1 << 28).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff]))).toBe('malformed remaining length');
  });
});
