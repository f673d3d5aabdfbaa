// Add or edit a saved connection on an agent: fill it in (profile from the
// agent's list), test it through the agent, save it, then probe it so the
// device appears in the inventory with its reachability.
import { useState } from "react";
import { useT } from "../lib/prefs";
import { trpc } from "../lib/trpc.client";
import { useQuery } from "../lib/use-query";

interface Conn {
  host: string;
  port: string;
  username: string;
  password: string;
  device_profile: string;
}

export function ConnectionEditor({ agentId, name: initialName, onDone }: { agentId: string; name?: string; onDone: (saved?: string) => void }) {
  const t = useT();
  const [name, setName] = useState(initialName ?? "");
  const [c, setC] = useState<Conn>({ host: "", port: "22", username: "", password: "", device_profile: "" });
  const [status, setStatus] = useState<{ kind: "ok" | "bad" | "info"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const profiles = useQuery(() => trpc().agents.deviceProfiles.query({ id: agentId }), [agentId]);
  useQuery(
    initialName
      ? () =>
          trpc()
            .agents.connection.query({ id: agentId, name: initialName })
            .then((x) => {
              const v = x as Record<string, unknown>;
              setC((cur) => ({ ...cur, host: String(v.host ?? ""), port: String(v.port ?? 22), username: String(v.username ?? ""), device_profile: String(v.device_profile ?? "") }));
              return v;
            })
      : null,
    [agentId, initialName],
  );
  const modes = useQuery(c.device_profile ? () => trpc().agents.profileModes.query({ id: agentId, profile: c.device_profile }) : null, [agentId, c.device_profile]);
  const pd = profiles.data as { builtins?: Array<{ name: string }>; custom?: Array<{ name: string }> } | undefined;
  const names = [...(pd?.builtins ?? []), ...(pd?.custom ?? [])].map((p) => p.name);
  const body = () => ({
    host: c.host.trim(),
    port: Number(c.port) || 22,
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
    ...(c.device_profile ? { device_profile: c.device_profile } : {}),
  });
  const set = (k: keyof Conn) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setC((x) => ({ ...x, [k]: e.target.value }));

  const test = async () => {
    setBusy(true);
    try {
      const r = (await trpc().agents.testConnection.mutate({ id: agentId, connection: { ...body(), ...(name ? { connection_name: name } : {}) } })) as { ok?: boolean; error?: string };
      setStatus(r.ok ? { kind: "ok", text: t("conn.testOk") } : { kind: "bad", text: `${t("conn.testFailed")} ${r.error ?? ""}` });
    } catch (e) {
      setStatus({ kind: "bad", text: `${t("conn.testFailed")} ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    if (!name.trim() || !c.host.trim()) {
      setStatus({ kind: "bad", text: t("conn.required") });
      return;
    }
    setBusy(true);
    try {
      await trpc().agents.saveConnection.mutate({ id: agentId, name: name.trim(), connection: body(), savePassword: !!c.password });
      setStatus({ kind: "info", text: t("conn.savedProbing") });
      await trpc().agents.probeDevices.mutate({ id: agentId, connections: [name.trim()] });
      onDone(name.trim());
    } catch (e) {
      setStatus({ kind: "bad", text: `${t("conn.saveFailed")} ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" style={{ maxWidth: 640, margin: ".75rem 0" }} onSubmit={(e) => (e.preventDefault(), save())} aria-label={t("devices.add")}>
      <h3>{initialName ? t("conn.edit").replace("{name}", initialName) : t("devices.add")}</h3>
      <label htmlFor="conn-name">{t("conn.name")}</label>
      <input id="conn-name" value={name} onChange={(e) => setName(e.target.value)} disabled={!!initialName} required placeholder="core-sw-01" />
      <div className="row">
        <div style={{ flex: 3 }}>
          <label htmlFor="conn-host">{t("conn.host")}</label>
          <input id="conn-host" value={c.host} onChange={set("host")} required placeholder="10.0.0.1" />
        </div>
        <div style={{ flex: 1 }}>
          <label htmlFor="conn-port">{t("conn.port")}</label>
          <input id="conn-port" value={c.port} onChange={set("port")} inputMode="numeric" />
        </div>
      </div>
      <div className="row">
        <div style={{ flex: 1 }}>
          <label htmlFor="conn-user">{t("field.username")}</label>
          <input id="conn-user" value={c.username} onChange={set("username")} autoComplete="off" />
        </div>
        <div style={{ flex: 1 }}>
          <label htmlFor="conn-pass">{t("field.password")}</label>
          <input id="conn-pass" type="password" value={c.password} onChange={set("password")} autoComplete="new-password" placeholder={initialName ? t("conn.keepPassword") : ""} />
        </div>
      </div>
      <label htmlFor="conn-profile">{t("devices.profile")}</label>
      <select id="conn-profile" value={c.device_profile} onChange={set("device_profile")}>
        <option value="">{profiles.loading ? t("common.loading") : t("conn.pickProfile")}</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {profiles.error ? <div className="field-error">{t("agent.listFailed")} {profiles.error}</div> : null}
      {modes.data ? (
        <div className="hint">
          {t("conn.modes")}: {((modes.data as { modes?: string[] }).modes ?? []).join(", ")} ({t("agent.defaultMode")}: {(modes.data as { default_mode?: string }).default_mode ?? "—"})
        </div>
      ) : null}
      {status ? (
        <div className={`alert ${status.kind === "ok" ? "ok" : status.kind === "info" ? "warn" : ""}`} role="status">
          {status.text}
        </div>
      ) : null}
      <div className="row" style={{ marginTop: ".75rem" }}>
        <button type="button" onClick={test} disabled={busy || !c.host}>
          {t("conn.test")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {t("conn.save")}
        </button>
        <button type="button" onClick={() => onDone()}>
          {t("confirm.keep")}
        </button>
      </div>
    </form>
  );
}
