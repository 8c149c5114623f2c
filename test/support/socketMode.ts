import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's side of Socket Mode: a WebSocket server that greets the app with `hello`, pushes
 * envelopes (slash commands, interactions, events) and collects the app's acks.
 */
export class FakeSocketMode {
  private readonly acks = new Map<string, (ack: Record<string, unknown>) => void>();
  private socket: WebSocket | undefined;
  private connected: Promise<void>;
  private onConnect: () => void = () => undefined;

  private constructor(private readonly server: WebSocketServer) {
    this.connected = new Promise((resolve) => (this.onConnect = resolve));
    server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => {
        const ack = JSON.parse(String(data)) as Record<string, unknown>;
        const resolve = this.acks.get(String(ack.envelope_id));
        if (resolve) {
          this.acks.delete(String(ack.envelope_id));
          resolve(ack);
        }
      });
      socket.send(
        JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0LABBOOK' } }),
      );
      this.onConnect();
    });
  }

  static async start(): Promise<FakeSocketMode> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeSocketMode(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
  }

  waitForConnection(): Promise<void> {
    return this.connected;
  }

  /** Sends an envelope and resolves with the app's ack. */
  async send(type: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.connected;
    const envelopeId = randomUUID();
    const ack = new Promise<Record<string, unknown>>((resolve) => this.acks.set(envelopeId, resolve));
    this.socket!.send(
      JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }),
    );
    return ack;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
