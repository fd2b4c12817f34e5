// Starts the local Event Hubs broker, its control API and Azurite once per test run and
// hands their addresses to every test file (vitest `provide` / `inject`). Test files
// isolate themselves: their own hub (BrokerControlClient.createHub) and blob container.
import type { TestProject } from "vitest/node";
import { startLocalServices } from "../src/local/local-services.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Namespace-level (no EntityPath), `UseDevelopmentEmulator=true`, plain TCP. */
    eventHubsConnectionString: string;
    /** Loopback control API of the broker; use `new BrokerControlClient(url)`. */
    brokerControlUrl: string;
    /** Azurite's development-account connection string. */
    blobConnectionString: string;
    /** The broker's TLS port and CA certificate, for the TokenCredential / customEndpointAddress path. */
    brokerTlsPort: number;
    brokerCaCertPem: string;
    brokerHost: string;
    brokerPort: number;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await startLocalServices({ broker: { tls: true, namespace: { hubs: [] } } });
  const { broker, azurite } = services;
  project.provide("eventHubsConnectionString", broker.connectionString());
  project.provide("brokerControlUrl", services.controlUrl);
  project.provide("blobConnectionString", azurite?.connectionString ?? "");
  project.provide("brokerTlsPort", broker.tlsPort ?? 0);
  project.provide("brokerCaCertPem", broker.caCertPem ?? "");
  project.provide("brokerHost", broker.host);
  project.provide("brokerPort", broker.port);
  return () => services.stop();
}
