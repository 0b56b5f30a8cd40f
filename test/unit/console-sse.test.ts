/** The console's reader of text/event-stream blocks (src/console/live/sse.ts). */
import { describe, expect, it } from 'vitest';
import { parseSse } from '../../src/console/live/sse.js';

describe('parseSse', () => {
  it('reads complete blocks, skips comments, keeps the unfinished rest', () => {
    const { messages, rest } = parseSse('retry: 2000\n: anjian alarm stream\n\nid: 7\nevent: alarm\ndata: {"a":1}\n\n: keepalive\n\nid: 8\nevent: al');
    expect(messages).toEqual([{ id: '7', event: 'alarm', data: '{"a":1}' }]);
    expect(rest).toBe('id: 8\nevent: al');
    expect(parseSse(`${rest}arm\ndata: x\n\n`).messages).toEqual([{ id: '8', event: 'alarm', data: 'x' }]);
  });

  it('joins multi-line data and accepts CRLF line ends', () => {
    expect(parseSse('event: alarm\r\ndata: one\r\ndata:two\r\n\r\n').messages).toEqual([{ id: undefined, event: 'alarm', data: 'one\ntwo' }]);
  });
});
