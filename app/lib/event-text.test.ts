import { describe, expect, it } from "vitest";
import { timelineText } from "./event-text.ts";
import { translator } from "./i18n.ts";

const zh = translator("zh");
const en = translator("en");
const ev = (key: string, params: Record<string, unknown>, message = "the English sentence") => ({ message, details: { __msg: { key, params } } });

describe("timelineText", () => {
  it("shows the stored sentence in English", () => {
    expect(timelineText(ev("submitted", { type: "exec", n: 3 }), "en", en)).toBe("the English sentence");
  });

  it.each([
    ["submitted", { type: "exec", n: 3 }, "已提交 exec，共 3 个目标。"],
    ["submittedDryRun", { type: "template", n: 1 }, "已提交 template（演练），共 1 个目标。"],
    ["delivered", { agent: "edge-1", connection: "core-1" }, "已下发到 edge-1（连接 core-1），代理已接受。"],
    ["deliveredAgent", { agent: "edge-1" }, "已下发到 edge-1，代理已接受。"],
    ["waitingLock", { device: "r1", agent: "ops-1", run: "ab12cd34", task: "ef56ab78" }, "等待设备锁：ops-1 上的设备 r1 正被任务 ef56ab78 的运行 ab12cd34 占用。"],
    ["lockConflict", { device: "r1", agent: "ops-1", run: "ab12cd34", task: "ef56ab78" }, "未开始：ops-1 上的设备 r1 正被任务 ef56ab78 的运行 ab12cd34 占用。"],
    ["cancelRequested", { cancelled: 2, requested: 1 }, "已请求取消：2 个运行在下发前停止，1 个已在代理上执行。"],
    ["deliveryRetry", { attempt: 2, error: "agent edge-1 did not answer within 10 s.", seconds: 4 }, "第 2 次下发失败：agent edge-1 did not answer within 10 s. 4 秒后重试。"],
    ["runSucceeded", { detail: "3 commands ok" }, "运行成功：3 commands ok"],
    ["runFailed", { detail: "timeout" }, "运行失败：timeout"],
    ["executionRetry", { attempt: 1, error: "boom", next: 2, total: 3 }, "第 1 次执行失败：boom。正在重试（第 2 次，共 3 次）。"],
    ["staleResult", { attempt: 1, status: "success" }, "较早的第 1 次尝试的结果已到达（success），不影响当前尝试。"],
    ["lateResult", { status: "timed_out" }, "结果在运行已结束（timed_out）后才到达；已记录，状态不变。"],
    ["deliveryInDoubt", {}, "管理端在下发此运行时停止。为避免重复执行，不会重新发送；正在等待代理的结果或截止时间。"],
    ["notDelivered", { after: "60 s" }, "60 s 内未能下发。"],
    ["noCallback", { agent: "edge-1", after: "1 s" }, "1 s 内未收到 edge-1 的结果回调。"],
    ["noCallbackRunning", { agent: "edge-1", after: "1 s", running: 0 }, "1 s 内未收到 edge-1 的结果回调。代理报告有 0 个任务正在运行。"],
    ["noCallbackNoAnswer", { agent: "edge-1", after: "1 s", error: "connection refused" }, "1 s 内未收到 edge-1 的结果回调。代理未响应状态查询：connection refused"],
    ["deadlineExtended", { running: 2, wait: "30 s" }, "已到截止时间，但代理仍在忙（2 个任务正在运行）。再等待 30 s 以获取结果。"],
  ])("%s in Chinese, with its parameters", (key, params, expected) => {
    expect(timelineText(ev(key, params), "zh", zh)).toBe(expected);
  });

  it("drops a dangling colon when the agent gave no words, and falls back to the sentence for anything unknown", () => {
    expect(timelineText(ev("runSucceeded", { detail: "" }), "zh", zh)).toBe("运行成功");
    expect(timelineText(ev("somethingNew", { a: 1 }), "zh", zh)).toBe("the English sentence");
    expect(timelineText({ message: "agent text", details: { progress: 5 } }, "zh", zh)).toBe("agent text");
    expect(timelineText({ message: "no details" }, "zh", zh)).toBe("no details");
  });
});
