import { useId, useRef, useState } from "react";
import { useT } from "../lib/prefs";

export interface ConnectInfo {
  tokenConfigured: boolean;
  publicUrl: string | null;
  publicGrpcUrl: string | null;
  grpcEnabled: boolean;
  grpcPort: number;
}

export function agentCommands(info: ConnectInfo, origin: string) {
  const web = info.publicUrl ?? origin;
  const host = new URL(web).hostname;
  const grpc = info.publicGrpcUrl ?? `http://${host}:${info.grpcPort}`;
  const common = `--bind 0.0.0.0 --port 8123 --agent-name "$(hostname)" --agent-token "$RAUTO_AGENT_TOKEN"`;
  return {
    http: `rauto agent ${common} --manager-url ${web} --report-mode http`,
    grpc: `rauto agent ${common} --manager-url ${grpc} --report-mode grpc`,
  };
}

function CopyLine({ id, text, testId }: { id: string; text: string; testId: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <div className="cmd">
      <pre id={id} data-testid={testId}>
        {text}
      </pre>
      <button
        type="button"
        aria-describedby={id}
        onClick={async () => {
          await navigator.clipboard?.writeText(text).catch(() => {});
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? t("agents.copied") : t("agents.copy")}
      </button>
    </div>
  );
}

export function RegisterAgentButton({ info }: { info: ConnectInfo }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const uid = useId();
  const [origin, setOrigin] = useState("http://localhost:3000");
  const cmds = agentCommands(info, origin);
  return (
    <>
      <button
        type="button"
        className="primary"
        onClick={() => {
          setOrigin(window.location.origin);
          ref.current?.showModal();
        }}
      >
        {t("agents.register")}
      </button>
      <dialog ref={ref} aria-labelledby={`${uid}-title`}>
        <h2 id={`${uid}-title`}>{t("agents.register")}</h2>
        {!info.tokenConfigured ? <div className="alert warn">{t("agents.tokenMissing")}</div> : null}
        <p className="hint">{t("agents.tokenNote")}</p>
        <h3>{t("agents.httpMode")}</h3>
        <CopyLine id={`${uid}-http`} testId="cmd-http" text={cmds.http} />
        {info.grpcEnabled ? (
          <>
            <h3>{t("agents.grpcMode")}</h3>
            <CopyLine id={`${uid}-grpc`} testId="cmd-grpc" text={cmds.grpc} />
          </>
        ) : null}
        <form method="dialog" style={{ marginTop: "1rem" }}>
          <button type="submit">{t("agents.close")}</button>
        </form>
      </dialog>
    </>
  );
}
