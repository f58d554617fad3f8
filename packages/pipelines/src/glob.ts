const cache = new Map<string, RegExp>();

/**
 * A small glob dialect for `files:` — `**` any number of folders, `*` any characters but "/",
 * `?` one character but "/". Anything else is literal. Paths are relative, "/"-separated.
 */
export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      re += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const compiled = new RegExp(`^${re}$`);
  cache.set(pattern, compiled);
  return compiled;
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/**
 * The files a `files:` list selects, in the order of `files`. A plain path that names a folder
 * selects everything under it.
 */
export function matchFiles(patterns: readonly string[], files: readonly string[]): string[] {
  const matchers = patterns.map((p) => {
    if (isGlob(p)) return (f: string) => globToRegExp(p).test(f);
    const folder = p.replace(/\/+$/, "");
    return (f: string) => f === folder || f.startsWith(`${folder}/`);
  });
  return files.filter((f) => matchers.some((m) => m(f)));
}
