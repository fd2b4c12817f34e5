// Per-connection state: CBS grants and the reply links of the request/response nodes
// ($cbs, $management), which the SDK names in each request's `reply-to`.
import type { Connection, Message, Sender } from "rhea";
import { amqpTypes } from "./amqp-codec.ts";
import { ConnectionAuth } from "./connection-auth.ts";

export class BrokerConnection {
  readonly connection: Connection;
  readonly auth = new ConnectionAuth();
  readonly #replyLinks = new Map<string, Sender>();

  constructor(connection: Connection) {
    this.connection = connection;
  }

  addReplyLink(sender: Sender): void {
    this.#replyLinks.set(sender.name, sender);
  }

  removeReplyLink(sender: Sender): void {
    if (this.#replyLinks.get(sender.name) === sender) this.#replyLinks.delete(sender.name);
  }

  /** Answers a request on the link named by its reply-to; the SDK matches correlation-id to message-id. */
  reply(request: Message, statusCode: number, description: string, body?: unknown, extra?: Record<string, string>): void {
    const replyTo = request.reply_to;
    const link = replyTo === undefined ? undefined : this.#replyLinks.get(replyTo);
    if (link === undefined) return;
    const response: Message = {
      correlation_id: request.message_id,
      application_properties: {
        "status-code": amqpTypes.wrap_int(statusCode),
        "status-description": description,
        ...extra,
      },
    } as unknown as Message;
    if (body !== undefined) response.body = body;
    link.send(response);
  }
}
