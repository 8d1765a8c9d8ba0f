// The sidebar: agents and the conversation list with search, rename and delete.
import { expect, type Locator, type Page } from "@playwright/test";

export class Sidebar {
  readonly root: Locator;
  readonly conversations: Locator;
  readonly search: Locator;
  readonly agents: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("sidebar");
    this.conversations = this.root.getByTestId("conversation-item");
    this.search = this.root.getByTestId("conversation-search");
    this.agents = this.root.getByTestId("sidebar-agent");
  }

  conversation(title: string): Locator {
    return this.conversations.filter({ has: this.page.getByRole("link", { name: title, exact: true }) });
  }

  agent(name: string): Locator {
    return this.agents.filter({ hasText: name });
  }

  async rename(title: string, newTitle: string): Promise<void> {
    const row = this.conversation(title);
    await row.hover();
    await row.getByTestId("rename-conversation").click();
    const input = this.root.getByTestId("rename-input");
    await input.fill(newTitle);
    await input.press("Enter");
    await expect(this.conversation(newTitle)).toBeVisible();
  }

  async delete(title: string): Promise<void> {
    const row = this.conversation(title);
    await row.hover();
    await row.getByTestId("delete-conversation").click();
    const dialog = this.page.getByTestId("confirm-dialog");
    await expect(dialog).toContainText(title);
    await dialog.getByTestId("confirm-button").click();
    await expect(dialog).toBeHidden();
  }
}
