import { useT } from "../lib/prefs";

export default function Designer() {
  const t = useT();
  return (
    <>
      <h1>{t("designer.title")}</h1>
      <div className="card empty">
        <p>{t("designer.body")}</p>
        <p className="hint">{t("common.comingNext")}</p>
      </div>
    </>
  );
}
