// Bundled in place of Node's `url` module: the CRM clients only need the WHATWG classes.
const WhatwgURL = globalThis.URL;
const WhatwgURLSearchParams = globalThis.URLSearchParams;
export { WhatwgURL as URL, WhatwgURLSearchParams as URLSearchParams };
export default { URL: WhatwgURL, URLSearchParams: WhatwgURLSearchParams };
