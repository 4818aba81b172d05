/** Which addresses a webhook may reach: public unicast only, unless the operator allows an address. */
import { describe, expect, it } from 'vitest';
import { WebhookRefusedError, WebhookTargets } from '../../server/actions/webhook-targets.js';

describe('webhook targets', () => {
  const none = new WebhookTargets([]);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['fd00:ec2::254', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b::7f00:1', 'special-purpose'],
    ['2002:7f00:1::', 'special-purpose'],
    ['::7f00:1', 'IPv4-compatible'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(none.refusal(address)).toContain(kind);
  });

  it.each(['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(none.refusal(address)).toBeNull();
  });

  it('an allowed address is allowed in every spelling, and only that address', () => {
    const t = new WebhookTargets([' 10.0.0.5 ', '[FD00::5]']);
    expect(t.refusal('10.0.0.5')).toBeNull();
    expect(t.refusal('::ffff:10.0.0.5')).toBeNull();
    expect(t.refusal('fd00:0:0:0:0:0:0:5')).toBeNull();
    expect(t.refusal('10.0.0.6')).toContain('private');
  });

  it('only http and https URLs are posted to, and IP literals are checked before any connection', () => {
    expect(() => none.connectOptions(new URL('ftp://example.org/x'))).toThrow(WebhookRefusedError);
    expect(() => none.connectOptions(new URL('http://2130706433/'))).toThrow(/127\.0\.0\.1 is a loopback address/);
    expect(() => none.connectOptions(new URL('http://[::ffff:169.254.169.254]/'))).toThrow(/link-local/);
    expect(none.connectOptions(new URL('https://1.1.1.1/'))).toEqual({});
    expect(none.connectOptions(new URL('https://chat.example.org/')).lookup).toBeTypeOf('function');
  });
});
