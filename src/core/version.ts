/** Set by the build from package.json (esbuild --define; vitest's define in tests). */
declare const __GES_VERSION__: string;

export function version(): string {
  return __GES_VERSION__;
}

export function userAgent(): string {
  return `ges-cli/${version()} node/${process.versions.node}`;
}
