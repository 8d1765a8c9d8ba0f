import { notFound } from "next/navigation";
import { ChatView } from "@/components/chat/chat-view";
import { getConversationWithMessages } from "@/lib/db/conversations";
import { idSchema } from "@/lib/http/schemas";

// The stored rows are rendered on the server, so a reload shows the text so far at once
// (a running answer's latest checkpoint); the browser then resumes the live stream.
export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!idSchema.safeParse(id).success) notFound();
  const conversation = await getConversationWithMessages({ id, limit: 100 });
  if (!conversation) notFound();
  return <ChatView conversationId={id} initial={conversation} />;
}
