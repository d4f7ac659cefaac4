import { defineConfig } from '@playwright/test';
import { chromium } from './chromium';
import { FIRST, SECOND } from './instances/ports';

// Two Quire instances on one Postgres database (see run-instances.sh), as a deployment behind a
// load balancer runs them: one scenario alternates between them.

const server = (port: number, first?: number) => ({
  command: 'bash ./serve-instance.sh',
  url: `http://127.0.0.1:${port}/readyz`,
  reuseExistingServer: false,
  timeout: 120_000,
  stdout: 'ignore' as const,
  stderr: 'pipe' as const,
  env: { E2E_PORT: String(port), ...(first ? { E2E_FIRST_PORT: String(first) } : {}) },
});

export default defineConfig({
  testDir: './instances',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${FIRST}`, ...chromium },
  webServer: [server(FIRST), server(SECOND, FIRST)],
});
