// The page adapter shared by Playwright (Chromium) and Puppeteer (Firefox): their pages answer
// the same calls for what the harness needs.

/** Wraps a Playwright or Puppeteer page in the harness's raw page interface. */
export function wrapPage (page) {
  return {
    goto: (url) => page.goto(url, { waitUntil: 'load' }).then(() => {}),
    reload: () => page.reload({ waitUntil: 'load' }).then(() => {}),
    url: async () => page.url(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    /** 'Tab', 'Shift+Tab', 'Escape', 'Enter': modifiers held around the key. */
    async press (key) {
      const parts = key.split('+')
      const main = parts.pop()
      for (const m of parts) await page.keyboard.down(m)
      await page.keyboard.press(main)
      for (const m of parts.reverse()) await page.keyboard.up(m)
    },
    click: (x, y) => page.mouse.click(x, y),
    close: () => page.close(),
  }
}
