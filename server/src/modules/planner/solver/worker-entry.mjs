// The solver's worker thread when the server runs its TypeScript sources (through tsx, or vitest):
// Node 20 does not carry the parent's module hooks into a worker, so the thread registers tsx
// itself before loading the TypeScript worker. A compiled server starts worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
