import { describe, expect, it } from 'vitest';
import { MAX_APPLY_REQUEST_BYTES, MAX_REQUEST_BYTES, maxLineBytesOf } from '../../src/control/protocol.js';

describe('maxLineBytesOf: gateway-config-apply alone may send a longer line, named before its params', () => {
  it.each<[string, string, number]>([
    ['clawctl\'s order', '{"v":1,"id":1,"method":"gateway-config-apply","params":{"content":"', MAX_APPLY_REQUEST_BYTES],
    ['spaces and a string id', ' { "v" : 1 , "id" : "a-1" , "method" : "gateway-config-apply" , "params"', MAX_APPLY_REQUEST_BYTES],
    ['the method first', '{"method":"gateway-config-apply","v":1', MAX_APPLY_REQUEST_BYTES],
    ['another method', '{"v":1,"id":1,"method":"status","params":{"pad":"', MAX_REQUEST_BYTES],
    ['params before the method', '{"v":1,"id":1,"params":{"content":"x"},"method":"gateway-config-apply"', MAX_REQUEST_BYTES],
    ['the method inside a string', '{"v":1,"id":"\\"method\\":\\"gateway-config-apply\\"","method":"status"', MAX_REQUEST_BYTES],
    ['not JSON at all', 'xxxxxxxxxxxxxxxx', MAX_REQUEST_BYTES],
    ['a longer method name that starts the same', '{"method":"gateway-config-apply-more"', MAX_REQUEST_BYTES],
  ])('%s', (_name, start, bytes) => {
    expect(maxLineBytesOf(start)).toBe(bytes);
  });

  it('is 64 KiB and 3 MiB', () => {
    expect([MAX_REQUEST_BYTES, MAX_APPLY_REQUEST_BYTES]).toEqual([65_536, 3 * 1_048_576]);
  });
});
