import express from 'express';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Serves the built client: hashed assets with a long cache, and index.html for the app's own routes
 * (`/`, `/b/<id>`, `/s/<id>`, ...) so that a shared link opens the board directly.
 */
export function staticClient(clientDir: string): express.Router {
  const r = express.Router();
  const dir = path.resolve(clientDir);
  const index = path.join(dir, 'index.html');
  r.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: false }));
  r.use(express.static(dir, { index: false, maxAge: '1h' }));
  r.get(['/', '/b/{*rest}', '/s/{*rest}', '/email/{*rest}'], (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text').send('The client is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
