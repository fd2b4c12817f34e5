// A throwaway self-signed certificate for localhost and 127.0.0.1, made with the openssl
// command line (Node has no certificate builder). Used only by the optional TLS listener.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface TlsCertificate {
  readonly keyPem: string;
  readonly certPem: string;
}

export async function createTlsCertificate(): Promise<TlsCertificate> {
  const dir = await mkdtemp(join(tmpdir(), "local-broker-tls-"));
  try {
    const keyPath = join(dir, "key.pem");
    const certPath = join(dir, "cert.pem");
    await promisify(execFile)("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyPath, "-out", certPath, "-days", "2", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]);
    return { keyPem: await readFile(keyPath, "utf8"), certPem: await readFile(certPath, "utf8") };
  } catch (error) {
    throw new Error(`could not create the TLS certificate with openssl: ${(error as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
