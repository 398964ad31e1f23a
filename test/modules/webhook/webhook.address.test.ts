import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../../src/modules/webhook/webhook.address.js';
import { WebhookTargets } from '../../../src/modules/webhook/webhook.target.js';

describe('the class of an address', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.20.30.40', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::1', 'loopback'],
    ['2001:db8::1', 'reserved'],
    ['not an address', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(classifyAddress(address)).toBe('public');
  });
});

describe('where a webhook may point', () => {
  const targets = new WebhookTargets({ resolve: () => Promise.reject(new Error('no DNS in this test')) });

  // Every spelling of an internal address a partner might try: the URL parser turns them into one address, which is refused.
  it.each([
    ['http://127.0.0.1:5432/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]:4000/graphql', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['https://[64:ff9b::7f00:1]/', 'loopback'],
    ['http://10.0.0.1/', 'private'],
    ['http://0xa000001/', 'private'],
    ['http://[::ffff:192.168.0.1]/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique-local'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
  ])('%s is refused (%s)', async (url, kind) => {
    await expect(targets.checkRegistration(url)).rejects.toMatchObject({
      message: expect.stringContaining(`${kind} address`),
      extensions: { code: 'BAD_USER_INPUT', argument: 'url' },
    });
  });

  it.each(['ftp://example.org/', 'file:///etc/passwd', 'gopher://example.org/', 'http://user:secret@example.org/', 'example.org/hook'])(
    '%s is refused for its form',
    async (url) => {
      await expect(targets.checkRegistration(url)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'url' } });
    },
  );

  it('refuses a name when any one of its addresses is internal, and one that does not resolve', async () => {
    const dns = new WebhookTargets({
      resolve: async (name) =>
        name === 'mixed.example.org'
          ? [
              { address: '93.184.216.34', family: 4 },
              { address: '10.0.0.5', family: 4 },
            ]
          : [],
    });
    await expect(dns.checkRegistration('https://mixed.example.org/')).rejects.toThrow('private address');
    await expect(dns.checkRegistration('https://nowhere.example.org/')).rejects.toThrow('does not resolve');
  });

  it('accepts a public address, and internal ones only when the operator allows private targets', async () => {
    await expect(targets.checkRegistration('https://93.184.216.34/hook')).resolves.toBeInstanceOf(URL);
    const development = new WebhookTargets({ allowPrivate: true });
    await expect(development.checkRegistration('http://127.0.0.1:9/hook')).resolves.toBeInstanceOf(URL);
  });
});
