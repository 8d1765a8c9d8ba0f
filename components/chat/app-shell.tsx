"use client";
// The frame around every page: the sidebar, the chat pane, the agent editor, the realtime
// session, and the keyboard shortcuts.
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { AgentEditor } from "@/components/agents/agent-editor";
import { COMPOSER_ID } from "@/components/chat/composer";
import { SEARCH_ID } from "@/components/chat/conversation-list";
import { Sidebar } from "@/components/chat/sidebar";
import { startSession } from "@/lib/client/chat-controller";
import { useAgents } from "@/lib/client/hooks";
import { InitialDataProvider } from "@/lib/client/initial-data";
import { closeAgentEditor, setSidebarOpen, useChatStore } from "@/lib/client/store";
import type { AgentDto } from "@/lib/client/types";

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));
}

export function AppShell({ agents, children }: { agents: AgentDto[]; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();

  useEffect(() => startSession(), []);

  useEffect(() => setSidebarOpen(false), [pathname]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.shiftKey && event.key.toLowerCase() === "o") {
        event.preventDefault();
        router.push("/");
      } else if (mod && !event.shiftKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        setSidebarOpen(true);
        document.getElementById(SEARCH_ID)?.focus();
      } else if (event.key === "/" && !mod && !isTyping(event.target)) {
        event.preventDefault();
        document.getElementById(COMPOSER_ID)?.focus();
      } else if (event.key === "?" && !isTyping(event.target)) {
        event.preventDefault();
        window.dispatchEvent(new Event("agent-nexus:shortcuts"));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router]);

  return (
    <InitialDataProvider agents={agents}>
      <div className="flex h-dvh overflow-hidden">
        <Sidebar />
        <main className="flex min-w-0 flex-1 flex-col">{children}</main>
      </div>
      <AgentEditorHost />
    </InitialDataProvider>
  );
}

function AgentEditorHost() {
  const editor = useChatStore((state) => state.editor);
  const agents = useAgents();
  if (!editor) return null;
  const agent = editor.mode === "edit" ? agents.find((item) => item.id === editor.agentId) : undefined;
  if (editor.mode === "edit" && !agent) return null;
  return <AgentEditor key={agent?.id ?? "new"} agent={agent} onClose={closeAgentEditor} />;
}
