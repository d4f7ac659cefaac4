// Debian's Chromium, as every Quire Playwright run starts it: Playwright's own browser download
// cannot work here, and without these flags Chromium tries to reach Google at every start.
export const chromium = {
  browserName: 'chromium' as const,
  trace: 'off' as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
};
