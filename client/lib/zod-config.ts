/**
 * Zod compiles object parsers with `new Function` unless told not to; its feature probe alone makes the
 * server's CSP (no 'unsafe-eval') log a violation in every browser console. Schemas read the setting when
 * they are built, so this module must be imported before anything that defines one (first in main.ts).
 */
import { z } from 'zod';

z.config({ jitless: true });
