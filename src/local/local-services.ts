// Broker + Azurite + control API together: what `audit-enricher local`, the demo and the
// test suite's global setup start. stop() tears all of it down and is idempotent.
import { Azurite, type AzuriteOptions } from "./azurite.ts";
import { type LocalBroker, type LocalBrokerOptions, startLocalBroker } from "./broker.ts";
import { type ControlServer, startControlServer } from "./control-server.ts";

export interface LocalServicesOptions {
  readonly broker?: LocalBrokerOptions;
  readonly azurite?: AzuriteOptions | false;
  /** Control API port (loopback); 0 or omitted picks a free one. */
  readonly controlPort?: number;
}

export interface LocalServices {
  readonly broker: LocalBroker;
  readonly azurite: Azurite | undefined;
  readonly controlUrl: string;
  stop(): Promise<void>;
}

export async function startLocalServices(options: LocalServicesOptions = {}): Promise<LocalServices> {
  const broker = await startLocalBroker(options.broker);
  let azurite: Azurite | undefined;
  let control: ControlServer | undefined;
  try {
    control = await startControlServer(broker.control, options.controlPort);
    azurite = options.azurite === false ? undefined : await Azurite.start(options.azurite ?? {});
  } catch (error) {
    await control?.stop();
    await broker.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    broker,
    azurite,
    controlUrl: control.url,
    stop: () => {
      stopping ??= Promise.all([control?.stop(), broker.stop(), azurite?.dispose()]).then(() => undefined);
      return stopping;
    },
  };
}
