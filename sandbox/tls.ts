// A self-signed certificate for every hostname the browser is pointed at the sandbox with
// (--host-resolver-rules keeps the real CRM hostnames). Cached in .sandbox/tls/ so start-up stays fast.
import { X509Certificate, createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'selfsigned';

export const SANDBOX_HOSTNAMES = [
  'localhost',
  '*.hubspot.com',
  'app.hubspot.com',
  'api.hubapi.com',
  '*.hubapi.com',
  '*.lightning.force.com',
  '*.my.salesforce.com',
  '*.sandbox.lightning.force.com',
  '*.sandbox.my.salesforce.com',
  '*.develop.lightning.force.com',
  '*.develop.my.salesforce.com',
  'login.salesforce.com',
  'test.salesforce.com',
] as const;

const SANDBOX_IPS = ['127.0.0.1', '::1'] as const;

export const DEFAULT_TLS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '.sandbox', 'tls');

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** Reuses the cached certificate when it covers the same names and is valid for at least another day. */
export async function loadOrCreateCertificate(dir = DEFAULT_TLS_DIR): Promise<TlsMaterial> {
  const names = [...SANDBOX_HOSTNAMES, ...SANDBOX_IPS].join(',');
  const tag = createHash('sha256').update(names).digest('hex').slice(0, 12);
  const keyPath = join(dir, `sandbox-${tag}.key.pem`);
  const certPath = join(dir, `sandbox-${tag}.cert.pem`);
  try {
    const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    if (Date.parse(new X509Certificate(cert).validTo) > Date.now() + 86_400_000) return { key, cert };
  } catch {
    // No usable cache: generate below.
  }
  const notBeforeDate = new Date(Date.now() - 86_400_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'Loyalty Lens CRM sandbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...SANDBOX_HOSTNAMES.map((value) => ({ type: 2 as const, value })),
          ...SANDBOX_IPS.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  await mkdir(dir, { recursive: true });
  await Promise.all([writeFile(keyPath, pems.private, { mode: 0o600 }), writeFile(certPath, pems.cert)]);
  return { key: pems.private, cert: pems.cert };
}
