export { opsConsoleRouter } from './router';
export type { OpsConsoleDeps } from './context';
export { opsSessionSecret } from './session-secret';
