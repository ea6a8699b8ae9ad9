// jsdom has crypto.getRandomValues but not randomUUID, which every browser a Lightning page runs in has.
const { randomUUID } = require('node:crypto');

if (typeof globalThis.crypto.randomUUID !== 'function') {
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: randomUUID });
}
