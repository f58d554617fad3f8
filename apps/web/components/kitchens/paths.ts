/** Page addresses of the Kitchen UI (browser and server safe). */
export function kitchenHref(name: string, path = ""): string {
  return `/kitchens/${encodeURIComponent(name)}${path}`;
}

export function mergeHref(id: string): string {
  return `/merges/${encodeURIComponent(id)}`;
}
