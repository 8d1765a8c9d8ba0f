"use client";
// Data the server rendered the page with (agents), for the first render before the store has
// loaded its own copy. The store is module state shared by the tab; it is never filled on
// the server, so requests cannot see each other's data.
import { createContext, useContext, type ReactNode } from "react";
import type { AgentDto } from "@/lib/client/types";

const InitialAgentsContext = createContext<AgentDto[]>([]);

export function InitialDataProvider({ agents, children }: { agents: AgentDto[]; children: ReactNode }) {
  return <InitialAgentsContext.Provider value={agents}>{children}</InitialAgentsContext.Provider>;
}

export const useInitialAgents = () => useContext(InitialAgentsContext);
