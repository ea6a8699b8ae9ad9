// The panel's first words with the background, sent while its code still loads and compiles
// (entrypoints/panel/early-start.ts takes them over): the port, over which the background pushes the record, the
// settings and the record's data (what arrived before the panel's code ran is its first render); and outside a CRM page, where My open loops shows first, the saved list and the
// list's code.
// A classic script, so it runs as the page is parsed, not after the module graph.
(() => {
  const api = globalThis.browser?.runtime ? globalThis.browser : globalThis.chrome;
  const port = api.runtime.connect({ name: 'loyalty-lens-panel' });
  const held = [];
  const hold = (message) => held.push(message);
  port.onMessage.addListener(hold);
  let disconnected = false;
  port.onDisconnect.addListener(() => {
    disconnected = true;
  });
  const outsidePage = globalThis.top === globalThis;
  const worklist = outsidePage ? Promise.resolve(api.runtime.sendMessage({ type: 'worklist.get' })).catch(() => undefined) : null;
  // The list's code (named in panel.html by the build, wxt.config.ts) loads beside the panel's, not after it.
  const listFiles = outsidePage ? globalThis.document.querySelector('meta[name="loyalty-lens-worklist"]')?.content.split(' ') ?? [] : [];
  for (const file of listFiles.filter(Boolean)) {
    const link = globalThis.document.createElement('link');
    link.rel = file.endsWith('.css') ? 'stylesheet' : 'modulepreload';
    link.crossOrigin = '';
    link.href = file;
    globalThis.document.head.append(link);
  }
  const start = {
    at: Date.now(),
    worklist,
    takeHeard: () => held.splice(0),
    takePort() {
      port.onMessage.removeListener(hold);
      return disconnected ? null : { port, held };
    },
  };
  // Kept as it lands: a first render cannot wait a turn for a promise.
  worklist?.then((reply) => {
    start.worklistReply = reply;
  });
  globalThis.loyaltyLensStart = start;
})();
