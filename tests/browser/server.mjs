// The test server every engine talks to: the project's static server
// (cmd/serve: web/, dist/ and the mounts a caller names) behind a small
// node front that
//   - serves pages a test writes (server.page(path, html)),
//   - is the browsers' HTTPS proxy for unpkg.com, answering from dist/ over
//     TLS with the self-signed certificate of fixtures/ (the README's CDN
//     page, as written, loads the package from unpkg), and
//   - for engines whose driver cannot listen to the console (WebKit over
//     classic WebDriver), injects a capture script into each HTML page; the
//     driver collects what it recorded with every evaluate.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';

/**
 * Starts the server; resolves to { url, proxy, page(path, html), stop }.
 * web is the directory served at /, mounts maps more paths ("/js/") to
 * directories; capture injects the console capture script.
 */
export function startServer(root, { capture = false, web = join(root, 'web'), mounts = {} } = {}) {
  return new Promise((resolve, reject) => {
    const bin = join(root, 'bin', 'serve');
    if (!existsSync(bin)) execFileSync('go', ['build', '-o', bin, './cmd/serve'], { cwd: root, stdio: 'inherit' });
    const backend = spawn(bin, [
      '-addr', '127.0.0.1:0',
      '-web', web,
      '-dist', join(root, 'dist'),
      ...Object.entries(mounts).flatMap(([path, dir]) => ['-mount', `${path}=${dir}`]),
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    backend.on('exit', (code) => code !== null && reject(new Error(`serve exited with ${code}`)));
    let out = '';
    backend.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on http:\/\/([\d.]+):(\d+)/);
      if (m) front(root, backend, Number(m[2]), capture).then(resolve, reject);
    });
  });
}

const captureScript = `(() => {
  // Records console output and uncaught errors for the test driver, and
  // holds the results of its scripts (drivers/webkit.mjs).
  const buf = (window.__capture = []);
  window.__results = {};
  const text = (a) => (typeof a === 'string' ? a : a instanceof Error ? String(a) : (() => {
    try { return typeof a === 'object' && a !== null ? JSON.stringify(a) : String(a); } catch { return String(a); }
  })());
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const orig = console[level];
    console[level] = function (...args) {
      buf.push({ type: 'console', text: args.map(text).join(' ') });
      return orig.apply(this, args);
    };
  }
  addEventListener('error', (e) => buf.push({ type: 'pageerror', text: e.error && e.error.message !== undefined ? e.error.message : e.message }));
  addEventListener('unhandledrejection', (e) => buf.push({ type: 'pageerror', text: e.reason && e.reason.message !== undefined ? e.reason.message : String(e.reason) }));
})();`;

function front(root, backend, backendPort, capture) {
  const pages = new Map();
  const dist = join(root, 'dist');
  const types = { js: 'text/javascript', wasm: 'application/wasm', json: 'application/json', ts: 'text/plain' };
  const { key, cert } = { key: readFileSync(join(root, 'tests', 'browser', 'fixtures', 'cdn-key.pem')), cert: readFileSync(join(root, 'tests', 'browser', 'fixtures', 'cdn-cert.pem')) };

  // unpkg.com/lua-wasm-external-storage@2.0.0/dist/FILE is dist/FILE, cross-origin.
  const cdn = https.createServer({ key, cert }, (req, res) => {
    const m = new URL(req.url, 'https://unpkg.com').pathname.match(/^\/lua-wasm-external-storage@2\.0\.0\/dist\/([\w.-]+)$/);
    const path = m && join(dist, m[1]);
    if (!path || !existsSync(path)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': types[m[1].split('.').pop()] || 'application/octet-stream', 'Access-Control-Allow-Origin': '*' });
    res.end(readFileSync(path));
  });

  const server = http.createServer((req, res) => {
    // A proxied request names the whole URL.
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname + url.search;
    if (pages.has(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-cache' });
      res.end(inject(pages.get(url.pathname)));
      return;
    }
    if (capture && url.pathname === '/__capture.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(captureScript);
      return;
    }
    const headers = { ...req.headers, host: `127.0.0.1:${backendPort}` };
    // Injecting changes the body: ask for it whole (no 304).
    if (capture) {
      delete headers['if-modified-since'];
      delete headers['if-none-match'];
    }
    const up = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path, headers }, (upRes) => {
      const html = capture && /text\/html/.test(upRes.headers['content-type'] || '');
      if (!html) {
        res.writeHead(upRes.statusCode, upRes.headers);
        upRes.pipe(res);
        return;
      }
      const chunks = [];
      upRes.on('data', (c) => chunks.push(c));
      upRes.on('end', () => {
        const body = inject(Buffer.concat(chunks).toString('utf8'));
        const h = { ...upRes.headers, 'content-length': Buffer.byteLength(body) };
        delete h['last-modified'];
        res.writeHead(upRes.statusCode, h).end(body);
      });
    });
    up.on('error', (e) => res.writeHead(502).end(String(e)));
    req.pipe(up);
  });

  function inject(html) {
    if (!capture) return html;
    const tag = '<script src="/__capture.js"></script>';
    const at = html.search(/<head[^>]*>/i);
    if (at >= 0) {
      const end = html.indexOf('>', at) + 1;
      return html.slice(0, end) + tag + html.slice(end);
    }
    return html.replace(/^(<!DOCTYPE[^>]*>)?/i, `$1${tag}`);
  }

  // CONNECT unpkg.com:443 ends in the CDN server; nothing else is reachable.
  server.on('connect', (req, socket, head) => {
    if (req.url !== 'unpkg.com:443') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    cdn.emit('connection', socket);
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        proxy: `127.0.0.1:${port}`,
        /** Serves html at path (e.g. "/quickstart.html"). */
        page: (path, html) => pages.set(path, html),
        stop: () => {
          server.close();
          server.closeAllConnections();
          backend.kill();
        },
      });
    });
  });
}
