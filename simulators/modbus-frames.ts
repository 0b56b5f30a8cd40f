/**
 * Modbus framings on a byte stream, slave side: MBAP for Modbus TCP (Modbus Messaging on TCP/IP
 * Implementation Guide v1.0b §3.1.3) and RTU frames with CRC-16 (Modbus over Serial Line v1.02
 * §2.5.1), used both on serial lines and as "RTU over TCP". A parser gets the stream's chunks and
 * calls back once per complete request; it keeps partial frames across chunks.
 */

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first. */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export interface Request {
  unit_id: number;
  pdu: Buffer;
  /** Wraps a response PDU in this request's framing. */
  frame(response: Buffer): Buffer;
}

export interface FrameParser {
  push(chunk: Buffer): void;
  /** Drops a partial frame (the line was silent for longer than a frame gap). */
  flush(): void;
}

export type BadFrame = (reason: string) => void;

/** MBAP: transaction id, protocol id 0, length (unit id + PDU), unit id, PDU. */
export function mbapParser(onRequest: (r: Request) => void, onBad: BadFrame): FrameParser {
  let buf = Buffer.alloc(0);
  return {
    push(chunk) {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 7) {
        const length = buf.readUInt16BE(4);
        if (buf.readUInt16BE(2) !== 0 || length < 2 || length > 254) {
          onBad(`bad MBAP header (protocol ${buf.readUInt16BE(2)}, length ${length})`);
          buf = Buffer.alloc(0);
          return;
        }
        if (buf.length < 6 + length) return;
        const header = Buffer.from(buf.subarray(0, 7));
        const pdu = Buffer.from(buf.subarray(7, 6 + length));
        buf = buf.subarray(6 + length);
        onRequest({ unit_id: header[6] as number, pdu, frame: (response) => mbapFrame(header, response) });
      }
    },
    flush() {
      buf = Buffer.alloc(0);
    },
  };
}

function mbapFrame(requestHeader: Buffer, response: Buffer): Buffer {
  const header = Buffer.from(requestHeader);
  header.writeUInt16BE(response.length + 1, 4);
  return Buffer.concat([header, response]);
}

export function rtuFrame(unit_id: number, pdu: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([unit_id]), pdu]);
  const crc = crc16(body);
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}

/** Length of an RTU request frame of function `fc`, or null while it cannot be known yet. */
function rtuRequestLength(buf: Buffer): number | null | 'unknown' {
  const fc = buf[1];
  if (fc === undefined) return null;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buf.length >= 7 ? 9 + (buf[6] as number) : null;
  return 'unknown';
}

/**
 * RTU: unit id, PDU, CRC. Frames are delimited by their function's length; a frame of an unknown
 * function ends with the silence that `flush` reports. A bad CRC drops the frame silently, as
 * slaves do (the master times out and retries).
 */
export function rtuParser(onRequest: (r: Request) => void, onBad: BadFrame): FrameParser {
  let buf = Buffer.alloc(0);
  const take = (length: number): void => {
    const frame = buf.subarray(0, length);
    buf = buf.subarray(length);
    const body = frame.subarray(0, length - 2);
    if (crc16(body) !== frame.readUInt16LE(length - 2)) return onBad(`RTU frame with a bad CRC: ${frame.toString('hex')}`);
    const unit_id = body[0] as number;
    onRequest({ unit_id, pdu: Buffer.from(body.subarray(1)), frame: (response) => rtuFrame(unit_id, response) });
  };
  return {
    push(chunk) {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const length = rtuRequestLength(buf);
        if (length === null || length === 'unknown' || buf.length < length) return;
        take(length);
      }
    },
    flush() {
      if (buf.length >= 4 && rtuRequestLength(buf) === 'unknown') take(buf.length);
      else if (buf.length > 0) onBad(`incomplete RTU frame dropped: ${buf.toString('hex')}`);
      buf = Buffer.alloc(0);
    },
  };
}
