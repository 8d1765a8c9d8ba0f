import { expect, test } from "./fixtures";

test("the home page lists the seeded agents", async ({ page }) => {
  await page.goto("/");
  const cards = page.getByTestId("agent-card");
  await expect(cards).toHaveCount(6);
  for (const name of ["Llama 3 Assistant", "GPT-4 Strategist", "Gemini Analyst", "Code Helper"]) {
    await expect(page.getByTestId("agent-list").getByText(name, { exact: true })).toBeVisible();
  }
});
