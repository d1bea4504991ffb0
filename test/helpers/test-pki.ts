import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PKI made with the openssl command line in a temporary folder: a test CA, a server
 * certificate for localhost/127.0.0.1, a client certificate (PEM and PKCS#12) signed by that CA, and a
 * "rogue" client certificate with the same CN from another CA, like the operator's negative cases.
 */
export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  clientP12: string;
  p12Passphrase: string;
  rogueCert: string;
  rogueKey: string;
  /** A certificate that expires tomorrow, signed by the test CA (doctor's expiry warning). */
  shortCert: string;
  shortKey: string;
  read(path: string): Buffer;
  cleanup(): void;
}

const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

function keyPair(cwd: string, name: string): void {
  openssl(cwd, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  chmodSync(join(cwd, `${name}.key`), 0o600);
}

function selfSignedCa(cwd: string, name: string, cn: string): void {
  keyPair(cwd, name);
  openssl(cwd, 'req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '730', '-out', `${name}.crt`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function signed(cwd: string, name: string, cn: string, ca: string, ext: string, days = 365): void {
  keyPair(cwd, name);
  openssl(cwd, 'req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
  writeFileSync(join(cwd, `${name}.ext`), ext);
  openssl(cwd, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.crt`);
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'labmss-pki-'));
  selfSignedCa(dir, 'ca', 'labmss Test CA');
  selfSignedCa(dir, 'rogue-ca', 'labmss Rogue CA');
  signed(dir, 'server', 'localhost', 'ca',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:mss.test,IP:127.0.0.1\n');
  const clientExt = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n';
  signed(dir, 'client', 'labo-test', 'ca', clientExt);
  signed(dir, 'rogue', 'labo-test', 'rogue-ca', clientExt);
  signed(dir, 'short', 'labo-short', 'ca', clientExt, 1);
  const p12Passphrase = 'test-passphrase';
  openssl(dir, 'pkcs12', '-export', '-in', 'client.crt', '-inkey', 'client.key', '-certfile', 'ca.crt',
    '-passout', `pass:${p12Passphrase}`, '-out', 'client.p12');
  chmodSync(join(dir, 'client.p12'), 0o600);
  const p = (n: string) => join(dir, n);
  return {
    dir, caCert: p('ca.crt'), serverCert: p('server.crt'), serverKey: p('server.key'),
    clientCert: p('client.crt'), clientKey: p('client.key'), clientP12: p('client.p12'), p12Passphrase,
    rogueCert: p('rogue.crt'), rogueKey: p('rogue.key'), shortCert: p('short.crt'), shortKey: p('short.key'),
    read: (path) => readFileSync(path),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
