/**
 * Slave-side framing: CRC-16 golden values, RTU frames split across chunks or glued together, a
 * bad CRC dropped, an unknown function answered with exception 1 once the line is silent; and on
 * a real RTU-over-TCP socket, a broadcast write applied to every unit without an answer.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import kjSubstation from '../../../devices/anjian-kj-substation.js';
import { crc16, mbapParser, type Request, rtuFrame, rtuParser } from '../../../simulators/modbus-frames.js';
import { ModbusSlave } from '../../../simulators/modbus-slave.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('RTU and MBAP framing', () => {
  it('CRC-16/MODBUS matches the specification example and a captured request', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x4b37); // the CRC catalogue check value
    expect(rtuFrame(1, hex('03 0000 0001'))).toEqual(hex('01 03 0000 0001 840a'));
  });

  it('RTU: a frame split across chunks, two glued together, a bad CRC dropped', () => {
    const got: Request[] = [];
    const bad: string[] = [];
    const parser = rtuParser(
      (r) => got.push(r),
      (why) => bad.push(why),
    );
    const read = rtuFrame(1, hex('03 0000 0002'));
    const write = rtuFrame(2, hex('10 0014 0002 04 0001 0002'));
    parser.push(read.subarray(0, 3));
    parser.push(Buffer.concat([read.subarray(3), write.subarray(0, 7)]));
    parser.push(write.subarray(7));
    const corrupt = Buffer.from(read);
    corrupt[7] = (corrupt[7] as number) ^ 0xff;
    parser.push(corrupt);
    expect(got.map((r) => [r.unit_id, r.pdu.toString('hex')])).toEqual([
      [1, '0300000002'],
      [2, '10001400020400010002'],
    ]);
    expect(bad).toEqual([expect.stringMatching(/bad CRC/)]);
    expect(got[0]?.frame(hex('03 04 0001 0002'))).toEqual(rtuFrame(1, hex('03 04 0001 0002')));
  });

  it('RTU: an unknown function is a frame once the line falls silent; a partial frame is dropped', () => {
    const got: Request[] = [];
    const bad: string[] = [];
    const parser = rtuParser(
      (r) => got.push(r),
      (why) => bad.push(why),
    );
    parser.push(rtuFrame(1, hex('2b 0e 01 00')));
    expect(got).toHaveLength(0);
    parser.flush();
    expect(got.map((r) => r.pdu.toString('hex'))).toEqual(['2b0e0100']);
    parser.push(hex('01 03 00'));
    parser.flush();
    expect(bad).toEqual([expect.stringMatching(/incomplete RTU frame/)]);
  });

  it('MBAP: answers carry the request transaction id; a bad header is refused', () => {
    const got: Request[] = [];
    const bad: string[] = [];
    const parser = mbapParser(
      (r) => got.push(r),
      (why) => bad.push(why),
    );
    parser.push(hex('1234 0000 0006 11 03 0000 0001'));
    expect(got[0]?.unit_id).toBe(0x11);
    expect(got[0]?.frame(hex('03 02 00ff'))).toEqual(hex('1234 0000 0005 11 03 02 00ff'));
    parser.push(hex('0001 0007 0006 11 03 0000 0001'));
    expect(bad).toEqual([expect.stringMatching(/bad MBAP header \(protocol 7/)]);
  });
});

describe('RTU over TCP broadcast', () => {
  it('a write to unit 0 reaches every unit and is not answered', async () => {
    const slave = new ModbusSlave({ framing: 'rtu_over_tcp' });
    slave.addUnit(1, kjSubstation);
    slave.addUnit(2, kjSubstation);
    const port = await slave.listen(0);
    const broadcast = rtuFrame(0, hex('05 0002 ff00')); // relay 3 cut on every substation
    const probe = rtuFrame(1, hex('01 0000 0004'));
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([broadcast, probe])));
      let got = Buffer.alloc(0);
      socket.on('data', (d) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 6) socket.destroy(), resolve(got);
      });
      socket.on('error', reject);
    });
    expect(answer).toEqual(rtuFrame(1, hex('01 01 04'))); // only the probe is answered: coils 0…3 = 0b0100
    expect(slave.writes.map((w) => [w.unit_id, w.table, w.address, w.values])).toEqual([
      [1, 'coil', 2, [1]],
      [2, 'coil', 2, [1]],
    ]);
    await slave.close();
  });
});
