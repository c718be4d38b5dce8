/**
 * The preview's Server-Sent Events: open pages subscribe to /events and are
 * told when to fetch themselves again. A hello on connect carries the build
 * id, so a page that reconnects after a restart can tell it is out of date.
 */
import type http from 'node:http';

export interface EventHub {
  /**
   * Answers an /events request: keeps the response open and sends `hello`
   * with `hello`'s data. `edition`: the date of the edition the page shows.
   */
  open(req: http.IncomingMessage, res: http.ServerResponse, hello: unknown, edition?: string): void;
  /** The editions shown by the pages listening now. */
  watched(): Set<string>;
  broadcast(event: string, data: unknown): void;
  /** Ends every open stream and stops the heartbeat. */
  close(): void;
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createEventHub(heartbeatMs = 15_000): EventHub {
  /** Each open stream, with the edition its page shows ('' for other pages). */
  const clients = new Map<http.ServerResponse, string>();
  // Comments keep idle connections (and proxies) from timing out.
  const heartbeat = setInterval(() => {
    for (const res of clients.keys()) res.write(': ping\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  return {
    open(req, res, hello, edition = '') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      // retry: how soon EventSource reconnects after the server restarts.
      res.write(`retry: 500\n${frame('hello', hello)}`);
      clients.set(res, edition);
      req.on('close', () => clients.delete(res));
    },
    watched() {
      return new Set([...clients.values()].filter((date) => date !== ''));
    },
    broadcast(event, data) {
      const text = frame(event, data);
      for (const res of clients.keys()) res.write(text);
    },
    close() {
      clearInterval(heartbeat);
      for (const res of clients.keys()) res.end();
      clients.clear();
    },
  };
}
