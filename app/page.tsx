import { ChatView } from "@/components/chat/chat-view";

// `/` starts a new chat; `/?agent=<id>` starts it with that agent.
export default async function NewChatPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { agent } = await searchParams;
  return <ChatView conversationId={null} initialAgentId={typeof agent === "string" ? agent : undefined} />;
}
