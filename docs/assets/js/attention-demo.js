/*
 * Page side of the attention demos: an editor, controls, Run, Stop, Reset
 * and Copy for every demo, wired to one Pyodide worker (demo-runtime.js).
 *
 * No Pyodide byte is fetched until a reader shows intent to run a demo
 * (pointer over or focus on Run, a click, a control change). If the runtime
 * fails to load, the build-time output stays and the status line says what
 * failed, with a Retry button. The module also keeps Material's language
 * selector pointing at the current page under instant navigation.
 */

const MESSAGES = {
  en: {
    download: "Downloading Python…",
    downloadBytes: "Downloading Python: {loaded} of {total} MB ({percent}%)…",
    python: "Starting Python…",
    numpy: "Loading numpy…",
    wheel: "Installing attention_core…",
    ready: "Python is ready.",
    queued: "Waiting for the demo running above to finish…",
    running: "Running…",
    done: "Live output from your browser ({ms} ms).",
    raised: "The code raised an error; see the traceback below.",
    failed:
      "Could not start Python in this browser ({stage}: {message}). " +
      "The output shown was computed when the page was built.",
    retry: "Retry",
    stopped: "Stopped. Restarting Python…",
    restarted: "Stopped; Python was restarted and is ready.",
    crashed:
      "The Python interpreter crashed ({message}); it was restarted. " +
      "Run again to retry.",
    trimmed: "[earlier output trimmed; the last {size} KB are shown]\n",
    copied: "Code copied to the clipboard.",
    copyFailed: "Could not copy; select the code and copy it by hand.",
    reset: "Code, controls and output reset to the original.",
    editor:
      "Python code, editable. Ctrl+Enter or Cmd+Enter runs it, Tab " +
      "indents, Escape leaves the editor.",
    stages: {
      download: "download",
      python: "starting Python",
      numpy: "loading numpy",
      wheel: "installing attention_core",
    },
  },
  zh: {
    download: "正在下载 Python…",
    downloadBytes: "正在下载 Python：{loaded} / {total} MB（{percent}%）…",
    python: "正在启动 Python…",
    numpy: "正在加载 numpy…",
    wheel: "正在安装 attention_core…",
    ready: "Python 已就绪。",
    queued: "等待上面正在运行的演示结束…",
    running: "正在运行…",
    done: "以上是在你的浏览器中实时计算的输出（{ms} 毫秒）。",
    raised: "代码抛出了错误，见下方的回溯信息。",
    failed:
      "无法在此浏览器中启动 Python（{stage}：{message}）。" +
      "当前显示的是构建页面时计算的输出。",
    retry: "重试",
    stopped: "已停止，正在重启 Python…",
    restarted: "已停止；Python 已重启并就绪。",
    crashed: "Python 解释器崩溃（{message}），已重启。请再次运行。",
    trimmed: "[较早的输出已省略；只显示最后 {size} KB]\n",
    copied: "代码已复制到剪贴板。",
    copyFailed: "无法复制；请手动选中代码并复制。",
    reset: "代码、参数和输出已恢复原样。",
    editor:
      "可编辑的 Python 代码。按 Ctrl+Enter 或 Cmd+Enter 运行，Tab 缩进，" +
      "Esc 离开编辑器。",
    stages: {
      download: "下载",
      python: "启动 Python",
      numpy: "加载 numpy",
      wheel: "安装 attention_core",
    },
  },
};

// Live output kept on the page while a demo runs, in characters.
const MAX_LIVE_CHARS = 32 * 1024;
// A final render larger than this is not put into the page; the trimmed
// live output stays instead.
const MAX_FINAL_HTML = 2 * 1024 * 1024;
// Delay before a changed control reruns the demo, in milliseconds.
const DEBOUNCE_MS = { slider: 150, select: 0, text: 400 };

const STREAM_CLASSES = {
  stdout: "attn-stdout",
  stderr: "attn-stderr",
  error: "attn-error",
};

const controllers = new WeakMap();
let runtimeModule = null;
let editorModule = null;

/** Fill `{name}` fields of `template` from `values`. */
function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

/** Read a demo's current control states as strings, by control name. */
function readState(demo) {
  const state = {};
  for (const field of demo.querySelectorAll(
    ".attn-demo-controls input, .attn-demo-controls select",
  )) {
    state[field.name] = field.value;
  }
  return state;
}

/** Set up one demo: editor, controls and buttons. */
function setupDemo(demo, runtime, editors) {
  const specText = demo.dataset.spec;
  const spec = JSON.parse(specText);
  const messages = MESSAGES[spec.lang] || MESSAGES.en;
  const status = demo.querySelector(".attn-demo-status");
  const output = demo.querySelector(".attn-demo-output");
  const buttons = {};
  for (const action of ["run", "stop", "reset", "copy"]) {
    buttons[action] = demo.querySelector(`.attn-demo-${action}`);
  }
  const buildOutput = output.innerHTML;
  const urls = {
    indexURL: new URL(spec.pyodide, document.baseURI).href,
    wheelURL: new URL(spec.wheel, document.baseURI).href,
  };
  let retry = null;
  let live = null;
  let stopping = false;

  const say = (text, error = false) => {
    status.textContent = text;
    status.classList.toggle("attn-demo-status--error", error);
  };
  const setBusy = (busy) => {
    buttons.stop.hidden = !busy;
    if (busy) output.setAttribute("aria-busy", "true");
    else output.removeAttribute("aria-busy");
    if (!busy && document.activeElement === buttons.stop) buttons.run.focus();
  };
  const dropRetry = () => {
    retry?.remove();
    retry = null;
  };
  const progress = (stage, loaded, total) => {
    if (stage === "ready") return;
    if (stage === "download" && total) {
      const mb = (n) => (n / 1e6).toFixed(1);
      say(
        format(messages.downloadBytes, {
          loaded: mb(loaded),
          total: mb(total),
          percent: Math.min(100, Math.round((100 * loaded) / total)),
        }),
      );
    } else {
      say(messages[stage] || stage);
    }
  };

  /** Append live output parts, keeping at most MAX_LIVE_CHARS. */
  const appendOutput = (parts, dropped) => {
    if (!live) {
      live = { chars: 0, trimmed: dropped > 0 };
      output.replaceChildren();
    }
    if (dropped) live.trimmed = true;
    for (const [kind, text] of parts) {
      let block = output.lastElementChild;
      if (!block || block.dataset.kind !== kind) {
        block = document.createElement("pre");
        block.className = `attn-stream ${STREAM_CLASSES[kind] || ""}`;
        block.dataset.kind = kind;
        output.append(block);
      }
      // textContent, never HTML: live output is shown as the text written.
      block.append(text);
      live.chars += text.length;
    }
    while (live.chars > MAX_LIVE_CHARS && output.firstElementChild) {
      const first = output.firstElementChild;
      const excess = live.chars - MAX_LIVE_CHARS;
      const text = first.textContent;
      if (text.length <= excess && output.children.length > 1) {
        first.remove();
        live.chars -= text.length;
      } else {
        first.textContent = text.slice(excess);
        live.chars -= excess;
      }
      live.trimmed = true;
    }
    if (live.trimmed && !output.querySelector(".attn-trimmed")) {
      const note = document.createElement("p");
      note.className = "attn-trimmed";
      note.textContent = format(messages.trimmed, {
        size: MAX_LIVE_CHARS / 1024,
      });
      output.prepend(note);
    }
  };

  const handlers = {
    progress,
    output: appendOutput,
    done: (html, ms) => {
      setBusy(false);
      if (html.length <= MAX_FINAL_HTML) {
        // The HTML comes from attention_core.demo.render_output, which
        // escapes every stream; only renderer output is markup.
        output.innerHTML = html;
      }
      output.dataset.origin = "live";
      // A count of finished runs, for scripts and tests that wait on one.
      demo.dataset.runs = Number(demo.dataset.runs || 0) + 1;
      live = null;
      if (output.querySelector(".attn-error")) say(messages.raised, true);
      else {
        say(format(messages.done, { ms: Math.round(ms) }));
      }
    },
    failed: (stage, message) => {
      setBusy(false);
      live = null;
      output.innerHTML = buildOutput;
      output.dataset.origin = "build";
      say(
        format(messages.failed, {
          stage: messages.stages[stage] || stage,
          message,
        }),
        true,
      );
      if (!retry) {
        retry = document.createElement("button");
        retry.type = "button";
        retry.className = "md-button attn-demo-retry";
        retry.textContent = messages.retry;
        retry.addEventListener("click", () => {
          dropRetry();
          buttons.run.focus();
          run();
        });
        status.after(retry);
      }
    },
    crashed: (message) => {
      setBusy(false);
      live = null;
      say(format(messages.crashed, { message }), true);
    },
  };

  const run = () => {
    dropRetry();
    stopping = false;
    const prelude = [];
    if (spec.shared) {
      for (const other of document.querySelectorAll(".attn-demo")) {
        if (other === demo) break;
        const earlier = controllers.get(other);
        if (earlier?.spec.shared) prelude.push(earlier.request());
      }
    }
    const request = { ...controller.request(), prelude };
    const where = runtime.enqueue(demo, urls, request, handlers);
    setBusy(true);
    if (where === "queued" && runtime.isReady()) say(messages.queued);
    else if (runtime.isReady()) say(messages.running);
    else say(messages.download);
  };

  const editor = editors.createEditor(
    demo.querySelector(".attn-demo-code"),
    spec.code,
    {
      label: demo.querySelector(".attn-demo-code").getAttribute("aria-label"),
      hint: messages.editor,
      onRun: run,
      onEscape: () => buttons.run.focus(),
    },
  );
  const controller = {
    spec,
    request: () => ({
      code: editor.value(),
      spec: specText,
      state: readState(demo),
    }),
  };
  controllers.set(demo, controller);

  const stopWatching = runtime.watch({
    ready: () => {
      if (!demo.isConnected) stopWatching();
      else if (stopping) {
        stopping = false;
        say(messages.restarted);
      }
    },
  });

  const intent = () => runtime.preload(urls);
  buttons.run.addEventListener("pointerenter", intent);
  buttons.run.addEventListener("focus", intent);
  buttons.run.addEventListener("click", run);
  buttons.stop.addEventListener("click", () => {
    const restarted = runtime.stop(demo);
    setBusy(false);
    live = null;
    buttons.run.focus();
    stopping = restarted;
    say(restarted ? messages.stopped : messages.ready);
  });
  buttons.reset.addEventListener("click", () => {
    runtime.stop(demo);
    setBusy(false);
    editor.setValue(spec.code);
    for (const control of demo.querySelectorAll(".attn-demo-control")) {
      const field = control.querySelector("input, select");
      field.value = field.defaultValue ?? field.value;
      if (field.tagName === "SELECT") {
        for (const option of field.options) {
          option.selected = option.defaultSelected;
        }
      }
      const shown = control.querySelector("output");
      if (shown) shown.textContent = field.value;
    }
    output.innerHTML = buildOutput;
    output.dataset.origin = "build";
    say(messages.reset);
  });
  buttons.copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(editor.value());
      say(messages.copied);
    } catch {
      say(messages.copyFailed, true);
    }
  });

  for (const field of demo.querySelectorAll(
    ".attn-demo-controls input, .attn-demo-controls select",
  )) {
    const kind = field.closest(".attn-demo-control").classList[1].slice(10);
    let timer = null;
    field.addEventListener("input", () => {
      intent();
      const shown = field.parentElement.querySelector("output");
      if (shown) shown.textContent = field.value;
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS[kind] ?? 200);
    });
    if (kind === "text") {
      field.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          clearTimeout(timer);
          run();
        }
      });
    }
  }
  editor.textarea.addEventListener("focus", intent, { once: true });
  demo.dataset.ready = "";
}

/** Point the header's language links at the current page's translations. */
function updateLanguageLinks() {
  const data = document.querySelector(".attn-languages");
  if (!data) return;
  const targets = JSON.parse(data.dataset.targets);
  for (const link of document.querySelectorAll("a.md-select__link[hreflang]")) {
    const href = targets[link.getAttribute("hreflang")];
    if (href !== undefined) link.setAttribute("href", href);
  }
}

/** Set up the demos of the page that is now shown. */
async function setupPage() {
  updateLanguageLinks();
  const demos = document.querySelectorAll(".attn-demo:not([data-ready])");
  if (!demos.length) return;
  // The runtime and editor modules are fetched only on pages with demos.
  runtimeModule ??= await import("./demo-runtime.js");
  editorModule ??= await import("./demo-editor.js");
  for (const demo of demos) {
    if (!demo.hasAttribute("data-ready")) {
      setupDemo(demo, runtimeModule, editorModule);
    }
  }
}

// Material's instant navigation swaps pages without a new DOMContentLoaded;
// its document$ observable fires for every page, including the first.
if (window.document$) window.document$.subscribe(() => setupPage());
else setupPage();
