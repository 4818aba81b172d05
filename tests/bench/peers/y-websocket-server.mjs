// The plain, in-memory y-websocket reference server (@y/websocket-server 0.1.1), for the benchmark.
// Usage: PORT=1234 node tests/bench/peers/y-websocket-server.mjs   (listens on 127.0.0.1 only)
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const port = Number(process.env.PORT ?? 1234);
const server = http.createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const docName = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
  setupWSConnection(ws, req, { docName });
});
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(port, '127.0.0.1', () => console.log(`ready ${port}`));
process.on('SIGTERM', () => process.exit(0));
