// `$cbs` put-token: checks a SAS token's signature, audience and expiry against the
// namespace key (a JWT is accepted as is) and grants the audience to the connection.
import type { Message } from "rhea";
import type { BrokerConnection } from "./broker-connection.ts";
import { audiencePath } from "./entity-address.ts";
import type { FaultState } from "./faults.ts";
import type { NamespaceConfig } from "./namespace.ts";
import { verifySasToken } from "./sas-token.ts";

const JWT_LIFETIME_MS = 60 * 60 * 1000;

export function handleCbsRequest(request: Message, conn: BrokerConnection, config: NamespaceConfig, faults: FaultState): void {
  const props = request.application_properties ?? {};
  if (props.operation !== "put-token") {
    conn.reply(request, 400, `unsupported CBS operation '${String(props.operation)}'`);
    return;
  }
  const audience = typeof props.name === "string" ? props.name : "";
  const injected = faults.takeCbsFailure(audiencePath(audience).split("/")[0] ?? "");
  if (injected !== undefined) {
    conn.reply(request, injected.statusCode, injected.description);
    return;
  }
  const token = typeof request.body === "string" ? request.body : "";
  if (props.type === "jwt") {
    conn.auth.grant(audiencePath(audience), Date.now() + JWT_LIFETIME_MS);
    conn.reply(request, 202, "Accepted");
    return;
  }
  if (props.type !== "servicebus.windows.net:sastoken") {
    conn.reply(request, 400, `unsupported token type '${String(props.type)}'`);
    return;
  }
  const check = verifySasToken(token, audience, config.keyName, config.key);
  if (!check.ok) {
    conn.reply(request, 401, `InvalidSignature: ${check.reason}. TrackingId:local`, undefined, {
      "error-condition": "amqp:unauthorized-access",
    });
    return;
  }
  conn.auth.grant(audiencePath(audience), check.expiresAtMs);
  conn.reply(request, 202, "Accepted");
}
