// The admin console in a real browser (headless Chromium): served by the host at /console,
// signed in with the REST API's session, driving plugins through the REST API. Each page's
// screenshot is written to test-output/console/ for a reviewer to look at.
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { launchChromium } from "../../test-fixtures/console/chromium.js";
import {
  type ConsoleHost,
  CRASHER_ID,
  HELLO_ID,
  MAX_BODY_BYTES,
  PASSWORD,
  SETTINGS_ID,
  startConsoleHost,
} from "../../test-fixtures/console/console-host.js";
import { recorderBundle } from "../../test-fixtures/rest/rest-fixture.js";

const screenshots = fileURLToPath(new URL("../../test-output/console/", import.meta.url));
const UPLOADED_ID = "test.console-uploaded";
const DROPPED_ID = "test.console-dropped";

const launched = await launchChromium();
const browser: Browser | undefined = "unavailable" in launched ? undefined : launched;

describe.skipIf(browser === undefined)("the admin console in Chromium", () => {
  let fixture: ConsoleHost;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    fixture = await startConsoleHost();
    context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await fixture?.close();
  });

  const shoot = (name: string) =>
    page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

  const signIn = async (target: Page, username: string) => {
    await target.goto(`${fixture.url}/console`);
    await target.getByLabel("Username or email").fill(username);
    await target.getByLabel("Password").fill(PASSWORD);
    await target.getByRole("button", { name: "Sign in" }).click();
  };

  const pluginRow = (id: string) => page.locator(`tr[data-plugin-id="${id}"]`);

  it("signs in and shows the Hello plugin running", async () => {
    await signIn(page, "admin");
    await page.getByRole("heading", { name: "Plugins", level: 1 }).waitFor();
    const hello = pluginRow(HELLO_ID);
    await hello.waitFor();
    expect(await hello.getAttribute("data-state")).toBe("running");
    expect(await hello.locator(".state").textContent()).toContain("running");
    expect(await hello.textContent()).toContain("Hello");
    expect(await hello.textContent()).toContain("0.1.0");
    expect(await pluginRow(CRASHER_ID).getAttribute("data-state")).toBe("disabled");
    // The session cookie is HttpOnly: the page never sees the token.
    expect(await page.evaluate("document.cookie")).not.toContain("MMAUTHTOKEN");
    await shoot("plugins");
  });

  it("uploads a bundle with the file picker, with a progress bar, and enables it", async () => {
    const bundle = Buffer.from(await recorderBundle(UPLOADED_ID));
    // Every change of the progress bar, as the page makes it.
    await page.evaluate(`(() => {
      const bar = document.getElementById("upload-progress");
      window.progressSeen = [];
      new MutationObserver(() => {
        window.progressSeen.push({ shown: !bar.hidden, value: bar.value });
      }).observe(bar, { attributes: true });
    })()`);
    await page.locator("#bundle-file").setInputFiles({
      name: "uploaded.tar.gz",
      mimeType: "application/gzip",
      buffer: bundle,
    });
    await page.getByText(`(${UPLOADED_ID}) is installed, disabled`).waitFor();
    const progress = (await page.evaluate("window.progressSeen")) as {
      shown: boolean;
      value: number;
    }[];
    expect(progress).toContainEqual({ shown: true, value: 1 });
    expect(progress.at(-1)?.shown).toBe(false);
    const row = pluginRow(UPLOADED_ID);
    await row.waitFor();
    expect(await row.getAttribute("data-state")).toBe("disabled");
    await row.getByRole("button", { name: /^Enable/ }).click();
    await page.locator(`tr[data-plugin-id="${UPLOADED_ID}"][data-state="running"]`).waitFor();
    expect(fixture.host.status(UPLOADED_ID).state).toBe("active");
  });

  it("uploads a bundle dropped on the drop zone", async () => {
    const bundle = Buffer.from(await recorderBundle(DROPPED_ID)).toString("base64");
    const dataTransfer = await page.evaluateHandle(`(() => {
      const bytes = Uint8Array.from(atob("${bundle}"), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], "dropped.tar.gz", { type: "application/gzip" }));
      return transfer;
    })()`);
    await page.locator(".drop-zone").dispatchEvent("drop", { dataTransfer });
    await page.getByText(`(${DROPPED_ID}) is installed, disabled`).waitFor();
    await pluginRow(DROPPED_ID).waitFor();
    expect(fixture.host.status(DROPPED_ID).state).toBe("stopped");
  });

  it("shows the host's refusal of the same id, and replaces the plugin when asked", async () => {
    const bundle = Buffer.from(await recorderBundle(UPLOADED_ID));
    await page.locator("#bundle-file").setInputFiles({
      name: "again.tar.gz",
      mimeType: "application/gzip",
      buffer: bundle,
    });
    const refusal = page.locator("#upload-message [role=alert]");
    await refusal.waitFor();
    expect(await refusal.getAttribute("data-status")).toBe("409");
    expect(await refusal.textContent()).toContain(
      `A plugin with id "${UPLOADED_ID}" is already installed`,
    );
    await page.getByRole("button", { name: "Replace the installed plugin" }).click();
    await page.getByText(`(${UPLOADED_ID}) is installed`).waitFor();
  });

  it("shows the host's message for a bundle with a bad manifest", async () => {
    await page.locator("#bundle-file").setInputFiles({
      name: "not-a-bundle.tar.gz",
      mimeType: "application/gzip",
      buffer: Buffer.from("this is not gzip"),
    });
    const refusal = page.locator("#upload-message [role=alert]");
    await refusal.waitFor();
    expect(await refusal.getAttribute("data-status")).toBe("400");
  });

  it("shows the host's 413 message for an upload over the size limit", async () => {
    await page.locator("#bundle-file").setInputFiles({
      name: "huge.tar.gz",
      mimeType: "application/gzip",
      buffer: Buffer.alloc(MAX_BODY_BYTES * 2, 7),
    });
    const refusal = page.locator("#upload-message [role=alert]");
    await refusal.waitFor();
    expect(await refusal.getAttribute("data-status")).toBe("413");
    expect(await refusal.textContent()).toMatch(/too large|larger/i);
    await shoot("plugins-upload-413");
  });

  it("disables a plugin after confirmation, and removes one after confirmation", async () => {
    const row = pluginRow(UPLOADED_ID);
    await row.getByRole("button", { name: /^Disable/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(fixture.host.status(UPLOADED_ID).state).toBe("active");
    await row.getByRole("button", { name: /^Disable/ }).click();
    await dialog.getByRole("button", { name: "Disable" }).click();
    await page.locator(`tr[data-plugin-id="${UPLOADED_ID}"][data-state="disabled"]`).waitFor();
    await row.getByRole("button", { name: /^Remove/ }).click();
    await dialog.getByRole("button", { name: "Remove" }).click();
    await row.waitFor({ state: "detached" });
    expect(fixture.host.statuses().map((s) => s.id)).not.toContain(UPLOADED_ID);
  });

  it("generates the settings form from settings_schema, saves a change and the plugin gets it", async () => {
    await pluginRow(SETTINGS_ID)
      .getByRole("link", { name: /^Settings/ })
      .click();
    await page.getByRole("heading", { name: `Settings: ${SETTINGS_ID}` }).waitFor();
    await page.getByText("These settings exercise every type of setting.").waitFor();
    expect(await page.getByLabel("Greeting").inputValue()).toBe("Hello");
    expect(await page.getByLabel("Say it").isChecked()).toBe(true);
    expect(await page.getByLabel("Retries").inputValue()).toBe("3");
    expect(await page.getByLabel("Colour").inputValue()).toBe("blue");
    expect(await page.getByLabel("Fast").isChecked()).toBe(true);
    expect(await page.getByLabel("Webhook secret").inputValue()).toBe("initial-secret");
    expect(JSON.parse(await page.getByLabel("Extra").inputValue())).toEqual({ limits: [1, 2] });
    expect(await page.getByLabel("Timeout (seconds)").inputValue()).toBe("30");
    await page.getByRole("heading", { name: "Advanced" }).waitFor();
    await page.getByText("What the plugin says first.").waitFor();

    await page.getByLabel("Greeting").fill("Howdy");
    await page.getByLabel("Colour").selectOption("green");
    await page.getByLabel("Careful").check();
    await page.getByLabel("Retries").fill("5");
    await page.getByLabel("Extra").fill('{"limits": [3]}');
    // Region has no default: the host refuses the save (400), and says so by the field.
    await page.getByRole("button", { name: "Save" }).click();
    const refusal = page.locator('[data-setting="Region"] .field-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('setting "Region" must be one of "eu", "us"');
    expect(await page.locator("#settings-error").textContent()).toContain("nothing was saved");
    expect(await fixture.host.app.kvGet(SETTINGS_ID, "config")).toBeUndefined();
    await shoot("settings-refused");

    await page.getByLabel("Europe").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    expect(await refusal.textContent()).toBe("");
    const received = await vi.waitFor(
      async () => {
        const value = await fixture.host.app.kvGet(SETTINGS_ID, "config");
        const config = value && JSON.parse(new TextDecoder().decode(value));
        if (config?.Greeting !== "Howdy") throw new Error("not received yet");
        return config;
      },
      { timeout: 10_000 },
    );
    expect(received).toMatchObject({
      Greeting: "Howdy",
      Color: "green",
      Mode: "careful",
      Retries: 5,
      Extra: { limits: [3] },
      Region: "eu",
      TimeoutSeconds: 30,
    });
    await shoot("settings");
  });

  it("keeps invalid JSON of a custom setting from being sent, with the error by the field", async () => {
    await page.getByLabel("Extra").fill("{not json");
    await page.getByRole("button", { name: "Save" }).click();
    const error = page.locator('[data-setting="Extra"] .field-error');
    await error.waitFor();
    expect(await error.textContent()).toContain("Not valid JSON");
    expect(await page.getByLabel("Extra").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Extra").fill('{"limits": [3]}');
  });

  it("shows the plugin's refusal of a setting beside the field, and nothing is saved", async () => {
    await page.getByLabel("Greeting").fill("a forbidden greeting");
    await page.getByRole("button", { name: "Save" }).click();
    const error = page.locator('[data-setting="Greeting"] .field-error');
    await error.waitFor();
    expect(await error.textContent()).toContain("Greeting may not contain the word forbidden.");
    expect(await page.getByLabel("Greeting").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#settings-error").textContent()).toContain("nothing was saved");
    const settings = await fixture.host.getPluginSettings(SETTINGS_ID);
    expect(settings.Greeting).toBe("Howdy");
    await shoot("settings-rejected-by-plugin");
  });

  it("marks a crashing plugin failed, with the last lines it printed", async () => {
    await page.goto(`${fixture.url}/console#/plugins`);
    await pluginRow(CRASHER_ID)
      .getByRole("button", { name: /^Enable/ })
      .click();
    const failed = page.locator(`tr[data-plugin-id="${CRASHER_ID}"][data-state="failed"]`);
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.locator(".state").textContent()).toContain("failed");
    expect(await failed.locator(".error-text").textContent()).toContain("giving up");
    await failed.locator("summary").click();
    expect(await failed.locator("pre.output").textContent()).toContain(
      "crasher: out of widgets, giving up",
    );
    await shoot("plugins-failed");
  });

  it("shows a log line as the plugin writes it, filters by level and pauses", async () => {
    await page.goto(`${fixture.url}/console#/logs/${SETTINGS_ID}`);
    await page.getByRole("heading", { name: "Logs" }).waitFor();
    const log = page.getByRole("log");
    // The entry of the earlier save is among the recent ones.
    await log.getByText("configuration received: Greeting=Howdy").waitFor();
    await pluginLog("info", "a line written while the console watches");
    await log.getByText("a line written while the console watches").waitFor();

    await page.getByLabel("Level").selectOption("warn");
    await pluginLog("warn", "a warning for the filter");
    await log.getByText("a warning for the filter").waitFor();
    expect(await log.getByText("a line written while the console watches").count()).toBe(0);

    await page.getByRole("button", { name: "Pause" }).click();
    await pluginLog("error", "an error while paused");
    await page.getByText("Paused: 1 new entries held").waitFor();
    expect(await log.getByText("an error while paused").count()).toBe(0);
    await page.getByRole("button", { name: "Resume" }).click();
    await log.getByText("an error while paused").waitFor();
    await page.getByLabel("Level").selectOption("debug");
    await shoot("logs");
  });

  it("charts each hook's calls and latency on the Activity page", async () => {
    for (let i = 0; i < 3; i += 1) await pluginLog("info", `activity ${i}`);
    const admin = await fixture.host.app.getUserByUsername("admin");
    await fixture.host.savePluginSettings({ userId: admin.id }, SETTINGS_ID, {
      Greeting: "Howdy again",
    });
    await page.goto(`${fixture.url}/console#/activity/${SETTINGS_ID}`);
    const row = page.locator('tr[data-hook="OnConfigurationChange"]');
    await row.waitFor();
    expect(Number(await row.locator("td").first().textContent())).toBeGreaterThanOrEqual(2);
    expect(await row.locator("svg[role=img]").count()).toBe(2);
    await shoot("activity");
  });

  it("shows the server's version and database", async () => {
    await page.getByRole("link", { name: "Server" }).click();
    await page.locator('[data-fact="store"]').waitFor();
    expect(await page.locator('[data-fact="store"]').textContent()).toBe("SQLite");
    expect(await page.locator('[data-fact="version"]').textContent()).toBe(
      fixture.host.serverVersion,
    );
    await shoot("server");
  });

  it("can be used with the keyboard alone, with focus always visible", async () => {
    const other = await (browser as Browser).newContext();
    const keys = await other.newPage();
    try {
      await keys.goto(`${fixture.url}/console`);
      // The username field has focus first; Tab and Enter do the rest.
      await keys.getByLabel("Username or email").waitFor();
      expect(await keys.evaluate("document.activeElement.id")).toBe("login-id");
      await keys.keyboard.type("admin");
      await keys.keyboard.press("Tab");
      await keys.keyboard.type(PASSWORD);
      await keys.keyboard.press("Enter");
      await keys.getByRole("heading", { name: "Plugins", level: 1 }).waitFor();
      const remove = keys.getByRole("button", { name: `Remove ${"Console settings"}` });
      await remove.waitFor();
      await remove.focus();
      await keys.keyboard.press("Tab");
      await keys.keyboard.press("Shift+Tab");
      const focused = await keys.evaluate(`(() => {
        const element = document.activeElement;
        const style = getComputedStyle(element);
        return { label: element.getAttribute("aria-label"), outline: style.outlineStyle, width: style.outlineWidth };
      })()`);
      expect(focused).toEqual({ label: "Remove Console settings", outline: "solid", width: "3px" });
      await keys.keyboard.press("Enter");
      const dialog = keys.getByRole("dialog");
      await dialog.waitFor();
      expect(await keys.evaluate("document.activeElement.textContent")).toBe("Cancel");
      await keys.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      expect(await keys.evaluate("document.activeElement.getAttribute('aria-label')")).toBe(
        "Remove Console settings",
      );
      expect(fixture.host.status(SETTINGS_ID).state).toBe("active");
    } finally {
      await other.close();
    }
  });

  it("returns to the sign-in form, saying why, when the session ends elsewhere", async () => {
    const other = await (browser as Browser).newContext();
    const ended = await other.newPage();
    try {
      await signIn(ended, "admin");
      await ended.getByRole("heading", { name: "Plugins", level: 1 }).waitFor();
      expect(await ended.title()).toBe("Plugins · Plugwire console");
      const token = (await other.cookies()).find((c) => c.name === "MMAUTHTOKEN")?.value;
      const logout = await fetch(`${fixture.url}/api/v4/users/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(logout.status).toBe(200);
      // The Plugins page refreshes every 3 s; its next request finds the session gone.
      await ended.getByText("Your session has ended: sign in again.").waitFor({ timeout: 10_000 });
      await ended.getByLabel("Username or email").waitFor();
    } finally {
      await other.close();
    }
  });

  it("stops a followed log and returns to sign-in when the session ends elsewhere", async () => {
    const other = await (browser as Browser).newContext();
    const watcher = await other.newPage();
    try {
      await signIn(watcher, "admin");
      await watcher.getByRole("heading", { name: "Plugins", level: 1 }).waitFor();
      await watcher.goto(`${fixture.url}/console#/logs/${SETTINGS_ID}`);
      await watcher.getByRole("log").getByText("configuration received").first().waitFor();
      const token = (await other.cookies()).find((c) => c.name === "MMAUTHTOKEN")?.value;
      const logout = await fetch(`${fixture.url}/api/v4/users/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(logout.status).toBe(200);
      // The host ends the stream at once; following again finds the session gone.
      await watcher.getByText("Your session has ended: sign in again.").waitFor({ timeout: 5_000 });
      await watcher.getByLabel("Username or email").waitFor();
    } finally {
      await other.close();
    }
  });

  it("gives a user who is not a system admin no console", async () => {
    const other = await (browser as Browser).newContext();
    const memberPage = await other.newPage();
    try {
      await signIn(memberPage, "member");
      await memberPage.getByRole("heading", { name: "No access" }).waitFor();
      // Run in the page, whose lib (DOM) this spec is not compiled with.
      const status = await memberPage.evaluate(`(async () => {
        const csrf = /MMCSRF=([^;]*)/.exec(document.cookie)?.[1] ?? "";
        const response = await fetch("/api/v4/plugins/statuses", {
          headers: { "X-CSRF-Token": csrf },
        });
        return response.status;
      })()`);
      expect(status).toBe(403);
      await memberPage.screenshot({ path: join(screenshots, "no-access.png") });
    } finally {
      await other.close();
    }
  });

  it("refuses a forged form another site makes the browser send with the session cookie", async () => {
    // A page on another port of this machine: the same site to the browser, so the session
    // cookie goes along; only the missing CSRF header gives the forgery away.
    const target = `${fixture.url}/api/v4/plugins/${SETTINGS_ID}/disable`;
    const forger: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        `<form id="f" method="POST" action="${target}"><input name="x" value="1"></form><script>document.getElementById("f").submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => forger.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = forger.address() as AddressInfo;
      const answer = page.waitForResponse((response) => response.url() === target);
      await page.goto(`http://127.0.0.1:${port}/`);
      const response = await answer;
      expect(response.status()).toBe(401);
      expect(await response.text()).toContain("X-CSRF-Token");
      expect(fixture.host.status(SETTINGS_ID).state).toBe("active");
    } finally {
      forger.close();
    }
  });

  /** Makes the settings plugin log `msg` at `level` (through its own HTTP route). */
  async function pluginLog(level: string, msg: string): Promise<void> {
    const query = new URLSearchParams({ level, msg });
    const response = await fetch(`${fixture.url}/plugins/${SETTINGS_ID}/log?${query}`);
    expect(response.status).toBe(204);
  }
});
