/** A minimal real SSE client over fetch (the protocol of text/event-stream), for the tests. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseStream {
  status: number;
  /** Resolves with the next `n` events (waiting up to timeoutMs). */
  next(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const queue: SseEvent[] = [];
  let waiter: (() => void) | undefined;
  let buffer = '';
  const pump = async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const ev = parseBlock(block);
          if (ev) queue.push(ev);
        }
        waiter?.();
      }
    } catch {
      /* aborted */
    }
  };
  void pump();
  return {
    status: res.status,
    async next(n, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (queue.length < n) {
        if (Date.now() > end) throw new Error(`only ${queue.length} of ${n} SSE events within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiter = r;
          setTimeout(r, 50);
        });
      }
      return queue.splice(0, n);
    },
    close: () => controller.abort(),
  };
}

function parseBlock(block: string): SseEvent | null {
  const ev: SseEvent = { data: '' };
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'data') {
      ev.data += (hasData ? '\n' : '') + value;
      hasData = true;
    } else if (field === 'id') ev.id = value;
    else if (field === 'event') ev.event = value;
  }
  return hasData ? ev : null;
}
