/** ClientIdRegistry: a client id belongs to one identity for as long as its session lives (issue 13 item 1). */
import { describe, expect, it } from 'vitest';
import { CONNACK, ClientIdRegistry } from '../../../../src/transport/mqtt/client-ids.js';

describe('ClientIdRegistry', () => {
  it('refuses another identity while a clean session is connected, frees the id when it ends', () => {
    const r = new ClientIdRegistry(new Map(), 128);
    expect(r.claim('c', true, 'device:a', undefined)).toBeNull();
    expect(r.claim('c', true, 'device:b', undefined)).toMatchObject({ returnCode: CONNACK.NOT_AUTHORIZED });
    expect(r.claim('c', true, 'device:a', undefined)).toBeNull(); // the same device reconnecting
    r.release('c');
    expect(r.ownerOf('c')).toBe('device:a'); // the reconnect still holds it
    r.release('c');
    expect(r.ownerOf('c')).toBeUndefined();
    expect(r.claim('c', true, 'device:b', undefined)).toBeNull();
  });

  it('keeps a persistent session (clean session 0) bound after its connection ends', () => {
    const r = new ClientIdRegistry(new Map(), 128);
    r.claim('p', false, 'device:a', undefined);
    r.release('p');
    expect(r.claim('p', false, 'token:x', undefined)).toMatchObject({ returnCode: CONNACK.NOT_AUTHORIZED });
    expect(r.claim('p', true, 'device:a', undefined)).toBeNull(); // the owner ends the session with clean 1
    r.release('p');
    expect(r.ownerOf('p')).toBeUndefined();
  });

  it('reserves configured ids and holds their device to them', () => {
    const r = new ClientIdRegistry(new Map([['fixed', 'device:a']]), 128);
    expect(r.claim('fixed', true, 'device:b', undefined)).toMatchObject({ returnCode: CONNACK.NOT_AUTHORIZED });
    expect(r.claim('other', true, 'device:a', 'fixed')).toMatchObject({ returnCode: CONNACK.IDENTIFIER_REJECTED });
    expect(r.claim('fixed', true, 'device:a', 'fixed')).toBeNull();
  });

  it('checks the CONNECT shape: MQTT 3.1.1 §3.1.3-8 and the length bound', () => {
    const r = new ClientIdRegistry(new Map(), 23);
    expect(r.checkShape('', false)).toMatchObject({ returnCode: CONNACK.IDENTIFIER_REJECTED });
    expect(r.checkShape('', true)).toBeNull();
    expect(r.checkShape('x'.repeat(24), true)).toMatchObject({ returnCode: CONNACK.IDENTIFIER_REJECTED });
    expect(r.checkShape('克'.repeat(8), true)).toMatchObject({ returnCode: CONNACK.IDENTIFIER_REJECTED }); // 24 bytes in UTF-8
  });
});
