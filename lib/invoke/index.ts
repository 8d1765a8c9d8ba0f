export { titleFrom } from "@/lib/invoke/title";
export { invokeAgent, type InvokeInput, type InvocationHandle } from "@/lib/invoke/invoke-agent";
export { cancelInvocation, findRunningByConversation, getRegistry, stopAllInvocations } from "@/lib/invoke/registry";
import { invokeAgent } from "@/lib/invoke/invoke-agent";
import { cancelInvocation } from "@/lib/invoke/registry";
import type { HubCommands } from "@/lib/realtime/hub";

/** What the WebSocket hub calls for `invoke` and `cancel` frames. */
export const hubCommands: HubCommands = {
  async invoke(input) {
    const handle = await invokeAgent(input);
    return { invocationId: handle.invocationId, conversationId: handle.conversationId };
  },
  cancel: (invocationId) => cancelInvocation(invocationId),
};
