import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { SANDBOX_HOSTS } from './chromium';

// Firefox has no --host-resolver-rules: it is pointed at this local proxy instead, which tunnels
// HTTPS to the real CRM hostnames (SANDBOX_HOSTS) into the sandbox and refuses everything else, so
// the shipped manifest and the browser's own TLS (with the sandbox's certificate) are exercised.

const PATTERNS = SANDBOX_HOSTS.map(
  (host) => new RegExp(`^${host.replace(/\./g, '\\.').replace(/^\*\\\./, '[a-z0-9-]+(\\.[a-z0-9-]+)*\\.')}$`, 'i'),
);

export function isSandboxHost(host: string): boolean {
  return PATTERNS.some((pattern) => pattern.test(host));
}

export interface SandboxProxy {
  port: number;
  close(): Promise<void>;
}

export async function startSandboxProxy(sandboxHttpsPort: number): Promise<SandboxProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => {
    // Plain HTTP is not tunnelled: the CRMs are HTTPS only.
    response.writeHead(403).end();
  });
  server.on('connect', (request, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const [host, port] = (request.url ?? '').split(':');
    if (!host || port !== '443' || !isSandboxHost(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(sandboxHttpsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The sandbox proxy has no port.');
  return {
    port: address.port,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
