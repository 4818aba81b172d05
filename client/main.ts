// First: configures zod before the shared schemas are built (see the module).
import './lib/zod-config.js';
import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';

mount(App, { target: document.getElementById('app')! });
