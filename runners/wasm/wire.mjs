// The Wasm host's HTTP/1.1 server: requests parsed by http-parser-js (as coldlab's gateway parses its own),
// each answer written as one head and body in one write. With node:http a warm Wasm request took 0.58–0.67 ms
// at P50 in `npm run bench -- wasm`, with this server 0.47–0.52 ms (three runs each, 2026-12-06).
// Its one client is coldlab's gateway (one request at a time per connection); pipelined requests are
// answered in order all the same. Plain JavaScript; http-parser-js comes with coldlab.
import net from 'node:net';
import { STATUS_CODES } from 'node:http';
import { HTTPParser } from 'http-parser-js';

/**
 * A server calling onRequest(req, res) once per complete request: req is { method, url, headers (lowercase
 * names), body (Buffer) }, its url free to rewrite; res.send(status, headers, body) answers it once.
 */
export function createWireServer(onRequest) {
  return net.createServer({ noDelay: true }, (socket) => serveConnection(socket, onRequest));
}

function serveConnection(socket, onRequest) {
  const parser = new HTTPParser(HTTPParser.REQUEST);
  /** Requests in the order they came, each with its answer once it has one. */
  const queue = [];
  let parsing;
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
  });

  const flush = () => {
    while (queue[0]?.answer) {
      const { answer, keepAlive } = queue.shift();
      socket.cork();
      for (const part of answer) socket.write(part);
      socket.uncork();
      if (!keepAlive) {
        socket.end();
        closed = true;
        queue.length = 0;
        return;
      }
    }
  };

  parser[HTTPParser.kOnHeadersComplete] = (info) => {
    const headers = {};
    for (let i = 0; i + 1 < info.headers.length; i += 2) {
      const name = info.headers[i].toLowerCase();
      headers[name] = headers[name] === undefined ? info.headers[i + 1] : `${headers[name]}, ${info.headers[i + 1]}`;
    }
    parsing = { req: { method: HTTPParser.methods[info.method] ?? 'GET', url: info.url, headers, body: undefined }, chunks: [], keepAlive: info.shouldKeepAlive, answer: undefined };
    queue.push(parsing);
  };
  // Views into the read buffer: copied before the next read.
  parser[HTTPParser.kOnBody] = (chunk, start, length) => parsing.chunks.push(Buffer.from(chunk.subarray(start, start + length)));
  parser[HTTPParser.kOnMessageComplete] = () => {
    const entry = parsing;
    entry.req.body = entry.chunks.length === 1 ? entry.chunks[0] : Buffer.concat(entry.chunks);
    entry.chunks = undefined;
    const res = {
      get headersSent() {
        return entry.answer !== undefined;
      },
      get destroyed() {
        return closed;
      },
      send(status, headers, body) {
        if (entry.answer !== undefined || closed) return;
        let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
        for (const [name, value] of Object.entries(headers)) if (name !== 'content-length' && name !== 'connection' && name !== 'transfer-encoding') head += `${name}: ${value}\r\n`;
        head += `content-length: ${body.length}\r\n${entry.keepAlive ? '' : 'connection: close\r\n'}\r\n`;
        entry.answer = entry.req.method === 'HEAD' || body.length === 0 ? [head] : [head, body];
        flush();
      },
    };
    onRequest(entry.req, res);
  };
  socket.on('data', (data) => {
    if (closed) return;
    const parsed = parser.execute(data);
    // A broken stream cannot be trusted past this point.
    if (parsed instanceof Error) socket.destroy();
  });
}
