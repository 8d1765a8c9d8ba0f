// Finding, renaming and deleting conversations from the sidebar.
import { expect, invokeOnce, test } from "./fixtures";

test("search, rename and delete conversations", async ({ page, sidebar, chat, agent, server, fake }) => {
  fake.setScript({ text: "Noted." });
  await invokeOnce(server.url, agent.id, "Plan the garden beds");
  await invokeOnce(server.url, agent.id, "Recipe for lemon cake");
  const { conversationId } = await invokeOnce(server.url, agent.id, "Budget for the trip");

  await page.goto("/");
  await chat.waitLive();
  // Newest first, under today's heading.
  await expect(sidebar.conversations.first()).toContainText("Budget for the trip");
  await expect(sidebar.root.getByText("Today", { exact: true })).toBeVisible();

  await sidebar.search.fill("lemon");
  await expect(sidebar.conversations).toHaveCount(1);
  await expect(sidebar.conversations).toContainText("Recipe for lemon cake");
  await sidebar.search.fill("no such words");
  await expect(sidebar.root.getByTestId("conversations-empty")).toBeVisible();
  await sidebar.search.fill("");
  await expect(sidebar.conversation("Plan the garden beds")).toBeVisible();

  await sidebar.conversation("Budget for the trip").getByRole("link").click();
  await expect(page).toHaveURL(`/c/${conversationId}`);
  await expect(chat.answerText()).toHaveText("Noted.");

  await sidebar.rename("Budget for the trip", "Trip budget 2026");
  await expect(chat.title).toHaveText("Trip budget 2026");
  await page.reload();
  await expect(sidebar.conversation("Trip budget 2026")).toBeVisible();

  // Cancelling the confirmation keeps it.
  const row = sidebar.conversation("Trip budget 2026");
  await row.hover();
  await row.getByTestId("delete-conversation").click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(sidebar.conversation("Trip budget 2026")).toBeVisible();

  await sidebar.delete("Trip budget 2026");
  await expect(sidebar.conversation("Trip budget 2026")).toHaveCount(0);
  await expect(page).toHaveURL("/");
  expect((await page.request.get(`/api/conversations/${conversationId}`)).status()).toBe(404);
});

test("a second tab's new conversation appears in the list", async ({ page, context, sidebar, chat, agent, fake }) => {
  fake.setScript({ text: "Hi." });
  await page.goto("/");
  await chat.waitLive();
  const other = await context.newPage();
  await other.goto(`/?agent=${agent.id}`);
  await other.getByTestId("composer-input").fill("Started in another tab");
  await other.getByTestId("composer-input").press("Enter");
  await expect(sidebar.conversation("Started in another tab")).toBeVisible();
});
