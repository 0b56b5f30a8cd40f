/**
 * Reading a text/event-stream (the WHATWG server-sent events format) from a fetch body: blocks
 * separated by a blank line, fields `id`, `event`, `data`; lines starting with ':' are comments
 * (the gateway's keepalives). Used instead of EventSource so the token travels in the
 * Authorization header, keepalives are seen (a silent connection is noticed), and a 401 is told
 * apart from a dropped connection.
 */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/** Splits what has arrived into complete blocks; returns the messages and the unfinished rest. */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const messages: SseMessage[] = [];
  for (const block of blocks) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ id, event, data: data.join('\n') });
  }
  return { messages, rest };
}
