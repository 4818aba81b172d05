// First: configures zod before the shared schemas are built (see the module).
import './lib/zod-config.js';
import { mount } from 'svelte';
import App from './App.svelte';
import { registerOfflineShell } from './lib/offline-shell.js';
import { syncDocumentLang } from './lib/i18n/index.svelte.js';
import { startTheme } from './lib/theme.svelte.js';
import { density } from './lib/density.svelte.js';
import './styles.css';

// Before the first paint: the right colours and <html lang> from the start.
startTheme();
density.apply();
syncDocumentLang();

mount(App, { target: document.getElementById('app')! });
registerOfflineShell();
