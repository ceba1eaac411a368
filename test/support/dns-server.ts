/**
 * A name server on a loopback UDP port (RFC 1035's wire format, the little of it c-ares asks): A and
 * AAAA answers for the names in `records`, NXDOMAIN for the others, or no answer at all while `silent`.
 */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface DnsServer {
  /** `127.0.0.1:<port>`, as `dns.Resolver#setServers` takes it. */
  address: string;
  /** Addresses by name (IPv4 and IPv6 mixed). */
  records: Map<string, string[]>;
  /** Queries as they came: the name and `A` or `AAAA`. */
  queries: { name: string; type: string }[];
  /** Receives queries and answers none (a name server that never answers). */
  silent: boolean;
  /** Resolves once a query has come (at once when one already has). */
  queried(): Promise<void>;
  close(): Promise<void>;
}

const types: Record<number, string> = { 1: 'A', 28: 'AAAA' };

/** The 16 bytes of an IPv6 address. */
function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail ?? '').length;
  const all = [...groups(head), ...Array(tail === undefined ? 0 : missing).fill('0'), ...groups(tail ?? '')];
  return Buffer.from(all.flatMap((group) => [(parseInt(group, 16) >> 8) & 255, parseInt(group, 16) & 255]));
}

export async function startDnsServer(): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const waiting: (() => void)[] = [];
  const server: DnsServer = {
    address: '',
    records: new Map(),
    queries: [],
    silent: false,
    queried: () =>
      server.queries.length > 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (query, peer) => {
    // The question: labels from byte 12 to a zero length, then its type and class.
    let at = 12;
    const labels: string[] = [];
    while (at < query.length && query[at] !== 0) {
      const length = query[at] as number;
      labels.push(query.subarray(at + 1, at + 1 + length).toString('latin1'));
      at += 1 + length;
    }
    const end = at + 5;
    const name = labels.join('.').toLowerCase();
    const type = types[query.readUInt16BE(at + 1)] ?? 'other';
    server.queries.push({ name, type });
    for (const resolve of waiting.splice(0)) resolve();
    if (server.silent) return;
    const known = server.records.get(name);
    const answers = (known ?? []).filter((address) => address.includes(':') === (type === 'AAAA'));
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    // A response to a recursive query, recursion available; NXDOMAIN for a name it does not know.
    header.writeUInt16BE(known ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((address) => {
      const data = address.includes(':') ? ipv6Bytes(address) : Buffer.from(address.split('.').map(Number));
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(type === 'AAAA' ? 28 : 1, 2);
      record.writeUInt16BE(1, 4); // IN
      record.writeUInt32BE(60, 6); // TTL
      record.writeUInt16BE(data.length, 10);
      return Buffer.concat([record, data]);
    });
    socket.send(Buffer.concat([header, query.subarray(12, end), ...records]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  server.address = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
  return server;
}
