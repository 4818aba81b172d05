/**
 * Registers the service worker (client/public/sw.js) that keeps the app shell on the device, so a board
 * page reloads without a network. Only for the built app: the vite dev server serves unhashed modules.
 */
export function registerOfflineShell(): void {
  // `import.meta.hot` exists only under the dev server (a build may run with NODE_ENV=test, so not PROD).
  if (import.meta.hot || !('serviceWorker' in navigator)) return;
  // After load: installing fetches the shell and its assets once more, which must not slow the first paint.
  const register = () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
