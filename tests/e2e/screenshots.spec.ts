// Screenshots of the real UI at desktop and phone widths, light and dark, saved as test
// artifacts (test-results/…/*.png) for people to look at.
import { expect, invokeOnce, test } from "./fixtures";

const RICH_ANSWER = [
  "Here is a plan for the week, with the numbers.\n\n",
  "## Budget\n\n| Item | Cost | Note |\n|---|---:|---|\n| Train | $42 | return |\n| Hotel | $180 | 2 nights |\n| Food | $60 | |\n\n",
  "1. Book the train **today** — prices rise.\n2. Pick a hotel near the station.\n   - check the late check-in\n3. Keep ~10% spare.\n\n",
  "A quick helper to total it:\n\n```python\ndef total(costs: list[float]) -> float:\n    \"\"\"Sum with a 10% margin.\"\"\"\n    return round(sum(costs) * 1.1, 2)\n\nprint(total([42, 180, 60]))  # 310.2\n```\n\n",
  "The margin is $m = 0.1 \\cdot \\sum c_i$, and the total is\n\n\\[ T = 1.1 \\sum_{i=1}^{n} c_i \\]\n\n> Tip: prices are per person.",
];

test("the chat at 1280 px and 375 px, light and dark", async ({ page, chat, agent, server, fake }, testInfo) => {
  fake.setScript((index) => (index === 0 ? { text: "Sure — tell me the dates and I will draft a plan." } : { text: RICH_ANSWER, reasoning: "The user wants a budget. A table, a checklist and a small script will do." }));
  await invokeOnce(server.url, agent.id, "Ideas for a weekend trip?");
  fake.setScript({ text: "Noted." });
  await invokeOnce(server.url, agent.id, "Recipe for lemon cake");
  fake.setScript((index) => (index === 0 ? { text: "Sure — tell me the dates and I will draft a plan." } : { text: RICH_ANSWER, reasoning: "The user wants a budget. A table, a checklist and a small script will do." }));

  const shoot = async (name: string) => {
    const path = testInfo.outputPath(`${name}.png`);
    // Finished transitions (the colour scheme switch fades) so the picture shows the settled page.
    await page.screenshot({ path, animations: "disabled" });
    await testInfo.attach(name, { path, contentType: "image/png" });
  };

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/");
  await chat.waitLive();
  await shoot("home-1280");

  await chat.startWith(agent.id);
  await chat.sendFirst("Plan a two-day trip to the coast on a budget");
  await expect(chat.answerText()).toContainText("Sure");
  await chat.send("Give me the budget as a table, with a script to total it");
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete");
  await expect(chat.answerText().locator(".katex-display")).toHaveCount(1);
  await shoot("chat-1280-light");
  await chat.lastAnswer().getByTestId("thinking-block").getByRole("button").click();
  await page.getByTestId("message-list").evaluate((list) => list.scrollTo(0, 0));
  await shoot("chat-1280-top-light");

  await page.emulateMedia({ colorScheme: "dark" });
  await shoot("chat-1280-dark");

  await page.setViewportSize({ width: 375, height: 812 });
  await shoot("chat-375-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await shoot("chat-375-light");
  // Nothing overflows sideways at phone width.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  await page.getByTestId("open-sidebar").click();
  await expect(page.getByTestId("sidebar")).toHaveAttribute("data-open", "true");
  await page.waitForTimeout(300);
  await shoot("sidebar-375");

  await page.goto("/");
  await chat.waitLive();
  await shoot("home-375");
});
