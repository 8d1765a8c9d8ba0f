import type { Metadata, Viewport } from "next";
import "katex/dist/katex.min.css";
import "./globals.css";
import { AppShell } from "@/components/chat/app-shell";
import { listAgents } from "@/lib/db/agents";

export const metadata: Metadata = {
  title: "Agent Nexus",
  description: "Self-hostable AI agent platform: chat with agents on any provider, live.",
  icons: { icon: "/icon.svg" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

// Agents come from the database on every request, so the first paint already lists them.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const agents = await listAgents();
  return (
    <html lang="en">
      <body className="bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <AppShell agents={agents}>{children}</AppShell>
      </body>
    </html>
  );
}
