// Chatting with an agent in the browser against the real server and a fake OpenAI.
import { expect, numberedWords, test } from "./fixtures";

test("an answer streams in: partial text first, then the whole answer with its details", async ({ chat, agent, fake }) => {
  const answer = numberedWords(40);
  fake.setScript({ reasoning: "Let me think about this carefully.", text: answer, tokenDelayMs: 60 });
  await chat.startWith(agent.id);
  await chat.sendFirst("Count for me, please");

  await expect(chat.userMessages.last()).toHaveText("Count for me, please");
  const partial = await chat.waitForPartialAnswer(2);
  expect(answer.startsWith(partial)).toBe(true);
  expect(partial.length).toBeLessThan(answer.length);
  await expect(chat.stopButton).toBeVisible();

  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete");
  await expect(chat.answerText()).toHaveText(answer);
  // The reasoning folds away once the answer is there, and opens on request.
  const thinking = chat.lastAnswer().getByTestId("thinking-block");
  await expect(thinking).toHaveAttribute("data-open", "false");
  await thinking.getByRole("button").click();
  await expect(thinking.getByTestId("thinking-text")).toHaveText("Let me think about this carefully.");
  await expect(chat.lastAnswer().getByTestId("message-meta")).toContainText("gpt-4o-mini");
  await expect(chat.lastAnswer().getByTestId("message-meta")).toContainText("tokens");
  await expect(chat.sendButton).toBeVisible();
  await expect(chat.page.getByTestId("sidebar").getByTestId("conversation-item").first()).toContainText("Count for me, please");
});

test("a typing indicator shows until the first token", async ({ chat, agent, fake }) => {
  fake.setScript({ text: "Finally here.", firstByteDelayMs: 1500 });
  await chat.startWith(agent.id);
  await chat.send("Take your time");
  await expect(chat.lastAnswer().getByTestId("typing-indicator")).toBeVisible();
  await expect(chat.answerText()).toHaveText("Finally here.");
  await expect(chat.lastAnswer().getByTestId("typing-indicator")).toHaveCount(0);
});

test("reasoning shows live in an open Thinking block, which folds when the answer starts", async ({ chat, agent, fake }) => {
  fake.setScript({ reasoning: numberedWords(30), text: "Decided.", tokenDelayMs: 80 });
  await chat.startWith(agent.id);
  await chat.sendFirst("Think first");
  const thinking = chat.lastAnswer().getByTestId("thinking-block");
  await expect(thinking).toContainText("Thinking…");
  await expect(thinking).toHaveAttribute("data-open", "true");
  await expect(thinking.getByTestId("thinking-text")).toContainText("w1 w2");
  await expect(chat.answerText()).toHaveText("Decided.");
  await expect(thinking).toHaveAttribute("data-open", "false");
  await expect(thinking).toContainText("Thought for");
});

test("Stop ends the answer where it is", async ({ chat, agent, fake }) => {
  const answer = numberedWords(400);
  fake.setScript({ text: answer, tokenDelayMs: 40 });
  await chat.startWith(agent.id);
  await chat.sendFirst("Go on for a long time");
  await chat.waitForPartialAnswer(10);

  await chat.stopButton.click();
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "cancelled");
  await expect(chat.lastAnswer().getByTestId("stopped-note")).toBeVisible();
  const stopped = (await chat.lastAnswerState()).text;
  expect(stopped.length).toBeGreaterThan(0);
  expect(answer.startsWith(stopped)).toBe(true);
  expect(stopped.length).toBeLessThan(answer.length);
  await fake.waitForClientClose();
});

test("Escape stops the answer too", async ({ chat, agent, fake }) => {
  fake.setScript({ text: numberedWords(400), tokenDelayMs: 40 });
  await chat.startWith(agent.id);
  await chat.sendFirst("Another long one");
  await chat.waitForPartialAnswer(5);
  await chat.page.keyboard.press("Escape");
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "cancelled");
});

test("Regenerate sends the last message again as a new turn", async ({ chat, agent, fake }) => {
  fake.setScript((index) => ({ text: `Answer number ${index + 1}.` }));
  const requestsBefore = fake.chatRequests().length;
  await chat.startWith(agent.id);
  await chat.sendFirst("Give me an answer");
  await expect(chat.answerText()).toHaveText("Answer number 1.");

  await chat.lastAnswer().getByTestId("regenerate-button").click();
  await expect(chat.assistantMessages).toHaveCount(2);
  await expect(chat.answerText()).toHaveText("Answer number 2.");
  await expect(chat.userMessages).toHaveText(["Give me an answer", "Give me an answer"]);
  expect(fake.chatRequests().length - requestsBefore).toBe(2);
});

test("a provider fault shows on the message with what to do, and Retry succeeds", async ({ chat, agent, fake }) => {
  fake.setScript({ fault: "unauthorized" });
  await chat.startWith(agent.id);
  await chat.sendFirst("Hello?");

  const error = chat.lastAnswer().getByTestId("message-error");
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("data-code", "provider_auth");
  await expect(error).toContainText("OPENAI_API_KEY");
  await expect(error).toContainText("restart");

  fake.setScript({ text: "Working again." });
  await error.getByTestId("retry-button").click();
  await expect(chat.assistantMessages).toHaveCount(2);
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete");
  await expect(chat.answerText()).toHaveText("Working again.");
});

test("HTML and script links in messages render inert", async ({ chat, agent, fake, page }) => {
  const hostile = 'Look <img src=x onerror="window.__pwned=1"> here and [click me](javascript:window.__pwned=2) or <a href="javascript:window.__pwned=3">this</a>.';
  fake.setScript({ text: [hostile] });
  await chat.startWith(agent.id);
  await chat.sendFirst(`Repeat: <img src=x onerror="window.__pwned=4"> [me](javascript:window.__pwned=5)`);
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete");

  // Shown as text, never as elements.
  await expect(chat.answerText()).toContainText('<img src=x onerror="window.__pwned=1">');
  await expect(chat.userMessages.last()).toContainText('<img src=x onerror="window.__pwned=4">');
  await expect(page.locator("main img")).toHaveCount(0);
  await expect(page.locator('a[href^="javascript" i]')).toHaveCount(0);
  await expect(page.locator("[onerror]")).toHaveCount(0);

  await chat.answerText().getByText("click me").click();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("markdown: tables, highlighted code with copy, math, and a lone dollar", async ({ chat, agent, fake, page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const markdown = [
    "## Plan\n\n| Step | Cost |\n|---|---|\n| Build | $5 |\n\n",
    "```ts\nconst total: number = 5;\n```\n\n",
    "Energy: $E = mc^2$ and\n\n\\[ a^2 + b^2 = c^2 \\]\n\nIt costs $5 in total.",
  ];
  fake.setScript({ text: markdown });
  await chat.startWith(agent.id);
  await chat.sendFirst("Show me formatting");
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete");

  const content = chat.answerText();
  await expect(content.locator("table td").nth(1)).toHaveText("$5");
  await expect(content.locator("h2")).toHaveText("Plan");
  await expect(content.locator(".hljs-keyword").first()).toHaveText("const");
  await expect(content.locator(".katex")).toHaveCount(2);
  await expect(content.locator(".katex-display")).toHaveCount(1);
  await expect(content).toContainText("It costs $5 in total.");

  await content.getByTestId("code-block").getByRole("button", { name: "Copy code" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("const total: number = 5;\n");
});
