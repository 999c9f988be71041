// The part of jsdom's API that src/ingest/dom.ts uses. jsdom ships no types of its own, and @types/jsdom pulls
// the browser DOM library into every file of the project, which has no DOM; src/ingest/dom.ts hands out its
// own small typed view of the document instead.
declare module 'jsdom' {
  export class VirtualConsole {
    constructor();
  }
  export interface ConstructorOptions {
    url?: string;
    contentType?: string;
    virtualConsole?: VirtualConsole;
  }
  export class JSDOM {
    constructor(html?: string | Uint8Array, options?: ConstructorOptions);
    readonly window: { readonly document: unknown; close(): void };
  }
}
