// The local services a bench run needs: Azurite as a child process and the
// embedded Event Hubs broker in this process, with hubs and consumer groups
// sized for the run and a retention bound large enough to hold the preload.
import { Azurite } from "../../../src/local/azurite.ts";
import { type LocalBroker, startLocalBroker } from "../../../src/local/broker.ts";
import type { HubConfig } from "../../../src/local/namespace.ts";

export interface LocalServices {
  readonly broker: LocalBroker;
  readonly azurite: Azurite;
  stop(): Promise<void>;
}

export async function startLocalServices(hubs: readonly HubConfig[], key: string): Promise<LocalServices> {
  const azurite = await Azurite.start({});
  let broker: LocalBroker;
  try {
    broker = await startLocalBroker({
      namespace: { hubs, key, retention: { maxEvents: 20_000_000, maxBytes: 8 * 2 ** 30 } },
    });
  } catch (error) {
    await azurite.dispose();
    throw error;
  }
  return {
    broker,
    azurite,
    async stop() {
      await broker.stop();
      await azurite.dispose();
    },
  };
}
