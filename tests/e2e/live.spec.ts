// The stream survives a reload, and every tab on a conversation watches it live.
import type { WebSocketRoute } from "@playwright/test";
import { expect, numberedWords, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

test("reloading mid-answer shows the text so far at once and goes on streaming to the exact answer", async ({ chat, agent, fake, page }) => {
  const answer = numberedWords(500);
  fake.setScript({ text: answer, tokenDelayMs: 40 });
  await chat.startWith(agent.id);
  await chat.sendFirst("Stream a long answer");
  await chat.waitForPartialAnswer(60);
  // Let at least one checkpoint (about once a second) reach the database.
  await page.waitForTimeout(1200);

  await page.reload({ waitUntil: "commit" });
  // The server-rendered page already holds the stored partial text, before any script runs.
  await expect(chat.answerText()).not.toBeEmpty();
  const stored = (await chat.answerText().textContent())!.trim();
  expect(answer.startsWith(stored)).toBe(true);
  await chat.waitLive();
  // Then it goes on live from where the stream is, past what was stored.
  await chat.waitForPartialAnswer(stored.length + 1);
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete", { timeout: 40_000 });
  await expect(chat.answerText()).toHaveText(answer);
});

test("a second tab sees the answer arrive live, and Stop pressed there stops it", async ({ chat, agent, fake, context }) => {
  fake.setScript({ text: "Ready." });
  await chat.startWith(agent.id);
  const conversationId = await chat.sendFirst("First message");
  await expect(chat.answerText()).toHaveText("Ready.");

  const other = new ChatPage(await context.newPage());
  await other.open(conversationId);
  await expect(other.answerText()).toHaveText("Ready.");

  const answer = numberedWords(300);
  fake.setScript({ text: answer, tokenDelayMs: 40 });
  await chat.send("Now a long one");

  // The other tab gets the new user message and the streaming answer without reloading.
  await expect(other.userMessages.last()).toHaveText("Now a long one");
  const partial = await other.waitForPartialAnswer(10);
  expect(answer.startsWith(partial)).toBe(true);

  await other.stopButton.click();
  await expect(other.lastAnswer()).toHaveAttribute("data-status", "cancelled");
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "cancelled");
  const [mine, theirs] = [await chat.lastAnswerState(), await other.lastAnswerState()];
  expect(mine.text).toBe(theirs.text);
});

test("a dropped connection reconnects and resumes the answer without gaps", async ({ chat, agent, fake, page }) => {
  // Every socket the page opens goes through this route to the real server, so the test can drop one.
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/ws$/, (socket) => {
    sockets.push(socket);
    socket.connectToServer();
  });
  const answer = numberedWords(120);
  fake.setScript({ text: answer, tokenDelayMs: 40 });
  await chat.startWith(agent.id);
  await chat.sendFirst("Keep going through a network blip");
  await chat.waitForPartialAnswer(20);

  await sockets.at(-1)!.close({ code: 4001, reason: "network blip" });
  await expect(chat.connection).not.toHaveAttribute("data-status", "open");
  await chat.waitLive();
  expect(sockets.length).toBe(2);
  await expect(chat.lastAnswer()).toHaveAttribute("data-status", "complete", { timeout: 20_000 });
  await expect(chat.answerText()).toHaveText(answer);
});
