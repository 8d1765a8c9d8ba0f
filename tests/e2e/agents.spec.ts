// Creating, editing and deleting an agent in the editor, validated like the API validates.
import { expect, test } from "./fixtures";

test("create an agent, chat with it, edit it and delete it", async ({ page, editor, sidebar, chat, fake }) => {
  await page.goto("/");
  await chat.waitLive();
  await editor.openNew();

  // The form checks with the API's schema before sending anything.
  await editor.fill({ name: "   ", model: "" });
  await editor.save();
  await expect(editor.dialog.getByTestId("field-error").first()).toBeVisible();
  await expect(editor.dialog).toContainText("Name must not be empty");
  await expect(editor.dialog).toContainText("Model must not be empty");

  // The model picker offers the provider's models and takes free text.
  await expect(editor.dialog.locator("datalist option[value='gpt-4o']")).toHaveCount(1);
  await editor.fill({ name: "Haiku Writer", avatar: "🌸", description: "Answers in haiku.", provider: "openai", model: "my-custom-model", systemPrompt: "Answer in haiku." });
  await editor.save();
  await expect(editor.dialog).toBeHidden();

  const row = sidebar.agent("Haiku Writer");
  await expect(row).toBeVisible();
  await expect(row).toContainText("my-custom-model");

  // It is usable right away.
  fake.setScript({ text: "Petals on the wind." });
  await row.getByRole("link").click();
  await chat.sendFirst("Spring?");
  await expect(chat.answerText()).toHaveText("Petals on the wind.");
  expect((fake.chatRequests().at(-1)?.body as { model: string }).model).toBe("my-custom-model");

  await editor.openEdit("Haiku Writer");
  await expect(editor.field("Name")).toHaveValue("Haiku Writer");
  await editor.fill({ name: "Haiku Master", maxTokens: "256" });
  await editor.dialog.getByRole("button", { name: "Add fallback" }).click();
  await editor.dialog.getByLabel("Fallback 1 Model", { exact: true }).fill("gpt-4o");
  await editor.save();
  await expect(editor.dialog).toBeHidden();
  await expect(sidebar.agent("Haiku Master")).toBeVisible();
  await expect(sidebar.agent("Haiku Writer")).toHaveCount(0);
  const saved = await (await page.request.get("/api/agents")).json();
  expect(saved.find((agent: { name: string }) => agent.name === "Haiku Master")).toMatchObject({
    maxTokens: 256,
    model: "my-custom-model",
    fallbacks: [{ provider: "openai", model: "gpt-4o" }],
  });

  await editor.openEdit("Haiku Master");
  await editor.delete();
  await expect(editor.dialog).toBeHidden();
  await expect(sidebar.agent("Haiku Master")).toHaveCount(0);
  // Its conversation stays.
  await expect(sidebar.conversation("Spring?")).toBeVisible();
});

test("an agent on an unconfigured provider says what to set", async ({ page, editor, chat }) => {
  await page.goto("/");
  await chat.waitLive();
  await editor.openNew();
  await editor.fill({ provider: "anthropic" });
  await expect(editor.dialog.getByTestId("provider-warning")).toContainText("ANTHROPIC_API_KEY");
});
