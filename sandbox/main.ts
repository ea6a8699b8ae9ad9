// CLI: node --import tsx sandbox/main.ts [--https-port 8443] [--http-port 8080] [--latency 0] [--host 127.0.0.1]
// Prints {"httpsPort":…,"httpPort":…} on one line once both servers listen; stops on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSandbox } from './server';

const port = z.coerce.number().int().min(0).max(65_535);
const argsSchema = z.object({
  'https-port': port.default(8443),
  'http-port': port.default(8080),
  latency: z.coerce.number().int().min(0).default(0),
  host: z.string().default('127.0.0.1'),
});

const { values } = parseArgs({
  options: {
    'https-port': { type: 'string' },
    'http-port': { type: 'string' },
    latency: { type: 'string' },
    host: { type: 'string' },
  },
});
const args = argsSchema.parse(values);

const sandbox = await startSandbox({ httpsPort: args['https-port'], httpPort: args['http-port'], latencyMs: args.latency, host: args.host });
process.stdout.write(`${JSON.stringify({ httpsPort: sandbox.httpsPort, httpPort: sandbox.httpPort })}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
