// The chat pane as a person uses it: pick an agent, write, watch the answer, stop, retry.
import { expect, type Locator, type Page } from "@playwright/test";

export class ChatPage {
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly stopButton: Locator;
  readonly assistantMessages: Locator;
  readonly userMessages: Locator;
  readonly connection: Locator;
  readonly title: Locator;

  constructor(readonly page: Page) {
    this.composer = page.getByTestId("composer-input");
    this.sendButton = page.getByTestId("send-button");
    this.stopButton = page.getByTestId("stop-button");
    this.assistantMessages = page.getByTestId("assistant-message");
    this.userMessages = page.getByTestId("user-message");
    this.connection = page.getByTestId("connection-status");
    this.title = page.getByTestId("chat-title");
  }

  /** A new chat with the agent (as the sidebar's agent links do), once the page is live. */
  async startWith(agentId: string): Promise<void> {
    await this.page.goto(`/?agent=${agentId}`);
    await this.waitLive();
  }

  async open(conversationId: string): Promise<void> {
    await this.page.goto(`/c/${conversationId}`);
    await this.waitLive();
  }

  async waitLive(): Promise<void> {
    // Generous: hydrating a long conversation on a busy machine can take a while.
    await expect(this.connection).toHaveAttribute("data-status", "open", { timeout: 30_000 });
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  /** Sends the first message of a new chat and waits for its /c/<id> address. */
  async sendFirst(text: string): Promise<string> {
    await this.send(text);
    await this.page.waitForURL(/\/c\/[A-Za-z0-9_-]+$/);
    return this.conversationId();
  }

  conversationId(): string {
    return new URL(this.page.url()).pathname.split("/").pop()!;
  }

  lastAnswer(): Locator {
    return this.assistantMessages.last();
  }

  answerText(answer: Locator = this.lastAnswer()): Locator {
    return answer.getByTestId("message-content");
  }

  /** Status and text of the newest answer, read together so neither is stale. */
  async lastAnswerState(): Promise<{ status: string; text: string }> {
    return this.page.evaluate(() => {
      const answers = document.querySelectorAll<HTMLElement>('[data-testid="assistant-message"]');
      const last = answers[answers.length - 1];
      return {
        status: last?.dataset.status ?? "",
        text: last?.querySelector('[data-testid="message-content"]')?.textContent?.trim() ?? "",
      };
    });
  }

  /** Waits until the newest answer is still streaming and already shows some text. */
  async waitForPartialAnswer(minChars = 1): Promise<string> {
    let seen = "";
    await expect
      .poll(async () => {
        const state = await this.lastAnswerState();
        seen = state.text;
        return state.status === "streaming" && state.text.length >= minChars;
      })
      .toBe(true);
    return seen;
  }
}
