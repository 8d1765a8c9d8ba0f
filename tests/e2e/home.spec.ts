import { expect, test } from "./fixtures";

test("the home page lists the seeded agents to start a chat with", async ({ page }) => {
  await page.goto("/");
  const cards = page.getByTestId("agent-list").getByTestId("agent-card");
  // The six seeded agents (plus the fake-provider agent the fixtures add, when it exists).
  await expect(cards.filter({ hasText: "Llama 3 Assistant" })).toHaveCount(1);
  for (const name of ["Llama 3 Assistant", "GPT-4 Strategist", "Gemini Analyst", "Code Helper", "Quick Answers", "Local Assistant"]) {
    await expect(page.getByTestId("agent-list").getByText(name, { exact: true })).toBeVisible();
  }
  expect(await cards.count()).toBeGreaterThanOrEqual(6);
});

test("choosing an agent card makes it the one the new chat talks to", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("agent-card").filter({ hasText: "Code Helper" }).getByRole("button").click();
  await expect(page.getByTestId("chat-title")).toHaveText("New chat");
  await expect(page.getByRole("heading", { name: "Code Helper", level: 2 })).toBeVisible();
  await expect(page.getByTestId("composer-input")).toHaveAttribute("placeholder", "Message Code Helper…");
});

test("keyboard: / focuses the message box, ? lists the shortcuts, Ctrl+Shift+O starts a new chat", async ({ page }) => {
  await page.goto("/?agent=none");
  await page.getByTestId("connection-status").and(page.locator('[data-status="open"]')).waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press("/");
  await expect(page.getByTestId("composer-input")).toBeFocused();
  await page.getByTestId("composer-input").blur();
  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts-panel")).toContainText("New chat");
  await expect(page.getByTestId("shortcuts-panel")).toContainText("Stop the answer");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcuts-panel")).toBeHidden();
  await page.keyboard.press("Control+Shift+O");
  await expect(page).toHaveURL("/");
});
