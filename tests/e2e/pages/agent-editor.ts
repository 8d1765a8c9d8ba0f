// The agent editor dialog.
import { expect, type Locator, type Page } from "@playwright/test";

export interface AgentFields {
  name?: string;
  avatar?: string;
  description?: string;
  provider?: string;
  model?: string;
  maxTokens?: string;
  systemPrompt?: string;
}

export class AgentEditor {
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByTestId("agent-editor");
  }

  async openNew(): Promise<void> {
    await this.page.getByTestId("new-agent").click();
    await expect(this.dialog).toBeVisible();
  }

  async openEdit(agentName: string): Promise<void> {
    const row = this.page.getByTestId("sidebar-agent").filter({ hasText: agentName });
    await row.hover();
    await row.getByRole("button", { name: `Edit ${agentName}` }).click();
    await expect(this.dialog).toBeVisible();
  }

  /** Fallback rows' fields are named "Fallback 1 Model" and so on, so exact labels are the main ones. */
  field(label: string): Locator {
    return this.dialog.getByLabel(label, { exact: true });
  }

  async fill(fields: AgentFields): Promise<void> {
    if (fields.name !== undefined) await this.field("Name").fill(fields.name);
    if (fields.avatar !== undefined) await this.field("Avatar").fill(fields.avatar);
    if (fields.description !== undefined) await this.field("Description").fill(fields.description);
    if (fields.provider !== undefined) await this.field("Provider").selectOption(fields.provider);
    if (fields.model !== undefined) await this.field("Model").fill(fields.model);
    if (fields.maxTokens !== undefined) await this.field("Max tokens").fill(fields.maxTokens);
    if (fields.systemPrompt !== undefined) await this.field("System prompt").fill(fields.systemPrompt);
  }

  async save(): Promise<void> {
    await this.dialog.getByTestId("save-agent").click();
  }

  async delete(): Promise<void> {
    await this.dialog.getByTestId("delete-agent").click();
    await this.page.getByTestId("confirm-dialog").getByTestId("confirm-button").click();
  }
}
