import helmet from 'helmet';

/**
 * Security headers on every response (helmet, with its defaults for the rest). The CSP is our own, not
 * helmet's default: that adds `upgrade-insecure-requests`, which breaks a board served over plain HTTP on a LAN.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // Board URLs are the key to a board: never leak them to other sites.
    referrerPolicy: { policy: 'no-referrer' },
    // The CSP already forbids framing; say the same to browsers that only know X-Frame-Options.
    frameguard: { action: 'deny' },
  });
}
