import { defineConfig } from '@playwright/test';
import { chromium } from './chromium';

// Quire's end-to-end tests run against a freshly seeded server (see serve-fresh.sh) in the
// system's Chromium; Playwright's own browser download cannot work here.
const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 2,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    ...chromium,
  },
  // Reading tests expect the seeded data exactly as it is, so tests that write run after them;
  // live pages count the posts written while they are open, so their tests run last.
  projects: [
    { name: 'reading', testIgnore: /(accounts|writing|reset|drafts|pictures|live)\.spec\.ts/ },
    { name: 'writing', testMatch: /(accounts|writing|reset|drafts|pictures)\.spec\.ts/, dependencies: ['reading'] },
    { name: 'live', testMatch: /live\.spec\.ts/, dependencies: ['writing'] },
  ],
  webServer: {
    command: 'bash ./serve-fresh.sh',
    url: `http://127.0.0.1:${port}/about`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { E2E_PORT: String(port) },
  },
});
