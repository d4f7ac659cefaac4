import { defineConfig } from '@playwright/test';
import { chromium } from './chromium';

// A Flaskblog moved into Quire (see serve-imported.sh): its users log in with their old
// passwords and find their posts and pictures.
const port = Number(process.env.E2E_IMPORTED_PORT ?? 3300);

export default defineConfig({
  testDir: './imported',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${port}`, ...chromium },
  webServer: {
    command: 'bash ./serve-imported.sh',
    url: `http://127.0.0.1:${port}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { E2E_PORT: String(port) },
  },
});
