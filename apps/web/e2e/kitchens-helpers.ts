// Shared by the Kitchen browser specs: sign-in in the page, API sessions for setting the scene,
// and CodeMirror editing (the editor is a contenteditable, not a form field).
import { expect, type APIRequestContext, type Locator, type Page, type PlaywrightWorkerArgs } from "@playwright/test";

export const PASSWORD = "galley-demo-2026";

export async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** A cookie session for the API, as the browser would have (mutations carry this site's Origin). */
export async function apiSession(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string, email: string): Promise<APIRequestContext> {
  const ctx = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: new URL(baseURL).origin } });
  const res = await ctx.post("/api/auth/sign-in", { data: { email, password: PASSWORD } });
  expect(res.status(), await res.text()).toBe(200);
  return ctx;
}

/** Commits one file on a Kitchen's branch through the API; returns the commit. */
export async function commitFile(api: APIRequestContext, kitchen: string, path: string, content: string, message: string): Promise<string> {
  const res = await api.put(`/api/kitchens/${kitchen}/files/content`, { data: { path, content, message } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { commit: string }).commit;
}

export async function readFile(api: APIRequestContext, kitchen: string, path: string): Promise<string> {
  const res = await api.get(`/api/kitchens/${kitchen}/files/content?path=${encodeURIComponent(path)}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { content: string }).content;
}

/** The editable surface of a CodeMirror editor inside `container`. */
export function editorContent(container: Locator): Locator {
  return container.locator(".cm-content");
}

/** Replaces the whole document of a CodeMirror editor, as a paste would (no auto-indent or bracket closing). */
export async function replaceEditorText(page: Page, container: Locator, text: string) {
  const content = editorContent(container);
  await content.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(text);
}

/** The document of a CodeMirror editor as text (its lines are divs). */
export async function editorText(container: Locator): Promise<string> {
  // An empty line renders as <div class="cm-line"><br></div>, whose innerText is "\n".
  return (await editorContent(container).locator(".cm-line").allInnerTexts()).map((l) => l.replace(/\n$/, "")).join("\n");
}

/** Page errors, hydration mismatches and CSP refusals seen while a test runs; assert it stays empty. */
export function watchErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on("pageerror", (e) => seen.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /hydrat|Content Security Policy|did not match/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}
