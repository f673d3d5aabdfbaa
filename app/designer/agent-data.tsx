// What the pickers offer, fed by the agent chosen in the toolbar: its saved
// connections (with their device profile), tx-block and tx-workflow templates,
// and the modes of the selected connection's profile. Live calls through the
// browser tRPC client.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { trpc } from "../lib/trpc.client";

export interface AgentSummary {
  id: string;
  name: string;
  status: string;
}

export interface AgentData {
  agentId: string | null;
  connections: Array<{ name: string; profile: string }>;
  txBlockTemplates: string[];
  txWorkflowTemplates: string[];
  /** profile → its modes, loaded on demand */
  modes: Record<string, string[]>;
  error: string | null;
  loadModes: (profile: string) => void;
}

const EMPTY: AgentData = { agentId: null, connections: [], txBlockTemplates: [], txWorkflowTemplates: [], modes: {}, error: null, loadModes: () => {} };
export const AgentDataContext = createContext<AgentData>(EMPTY);
export const useAgentData = () => useContext(AgentDataContext);

const names = (list: Array<{ name: string }>) => list.map((t) => t.name).sort();

export function useLoadAgentData(agentId: string | null): AgentData {
  const [state, setState] = useState<Omit<AgentData, "loadModes" | "agentId">>(EMPTY);
  useEffect(() => {
    if (!agentId) return;
    let live = true;
    const id = agentId;
    const settle = <T,>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: Error) => ({ ok: false as const, e }));
    Promise.all([
      settle(trpc().agents.connections.query({ id })),
      settle(trpc().devices.list.query({ agentId: id, limit: 200 })),
      settle(trpc().agents.templates.query({ id, kind: "tx_block" })),
      settle(trpc().agents.templates.query({ id, kind: "tx_workflow" })),
    ]).then(([conns, devices, blocks, workflows]) => {
      if (!live) return;
      const profiles = new Map<string, string>();
      if (devices.ok) for (const d of devices.v.items) profiles.set(d.name, d.deviceProfile ?? "");
      if (conns.ok) for (const c of conns.v) profiles.set(String(c.name), String(c.device_profile ?? profiles.get(String(c.name)) ?? ""));
      const failed = [conns, blocks, workflows].find((r) => !r.ok);
      setState({
        connections: [...profiles].map(([name, profile]) => ({ name, profile })).sort((a, b) => a.name.localeCompare(b.name)),
        txBlockTemplates: blocks.ok ? names(blocks.v) : [],
        txWorkflowTemplates: workflows.ok ? names(workflows.v) : [],
        modes: {},
        error: failed && !failed.ok ? failed.e.message : null,
      });
    });
    return () => {
      live = false;
    };
  }, [agentId]);
  const requested = useRef(new Set<string>());
  const loadModes = useCallback(
    (profile: string) => {
      const key = `${agentId}/${profile}`;
      if (!agentId || !profile || requested.current.has(key)) return;
      requested.current.add(key);
      trpc()
        .agents.profileModes.query({ id: agentId, profile })
        .then(
          (r) => setState((s) => ({ ...s, modes: { ...s.modes, [profile]: r.modes } })),
          // no modes offered: the field stays free text
          () => {},
        );
    },
    [agentId],
  );
  return agentId ? { ...state, agentId, loadModes } : EMPTY;
}
