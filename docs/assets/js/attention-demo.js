/*
 * Page side of the attention demos: wires each Run button to a shared
 * Pyodide worker and swaps the build-time output for the live one.
 *
 * No Pyodide byte is fetched until a reader presses Run. If the runtime
 * fails to load, the build-time output stays and the status line says what
 * failed.
 */

const MESSAGES = {
  en: {
    download: "Downloading Python (about 10 MB)…",
    python: "Starting Python…",
    numpy: "Loading numpy…",
    wheel: "Installing attention_core…",
    running: "Running…",
    done: "Live output from your browser.",
    failed: "Could not start Python in this browser ({stage}: {message}). The output shown was computed when the page was built. Reload the page to retry.",
  },
  zh: {
    download: "正在下载 Python（约 10 MB）…",
    python: "正在启动 Python…",
    numpy: "正在加载 numpy…",
    wheel: "正在安装 attention_core…",
    running: "正在运行…",
    done: "以上是在你的浏览器中实时计算的输出。",
    failed: "无法在此浏览器中启动 Python（{stage}：{message}）。当前显示的是构建页面时计算的输出。请刷新页面重试。",
  },
};

const workerURL = new URL("attention-worker.js", import.meta.url);
let worker = null;
let nextId = 0;
const pending = new Map();

/** Return the shared worker, creating it on first use. */
function getWorker() {
  if (worker) return worker;
  worker = new Worker(workerURL);
  worker.onmessage = (event) => {
    const message = event.data;
    if (message.type === "progress") {
      for (const run of pending.values()) run.progress(message.stage);
      return;
    }
    const run = pending.get(message.id);
    if (!run) return;
    if (message.type === "output") run.output(message.kind, message.text);
    if (message.type === "done") {
      pending.delete(message.id);
      run.done(message.html);
    }
    if (message.type === "failed") {
      pending.delete(message.id);
      run.failed(message.stage, message.message);
    }
  };
  return worker;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

/** Run one demo element in the worker and show progress and output. */
function runDemo(demo) {
  const spec = JSON.parse(demo.querySelector(".attn-demo-spec").textContent);
  const messages = MESSAGES[spec.lang] || MESSAGES.en;
  const status = demo.querySelector(".attn-demo-status");
  const output = demo.querySelector(".attn-demo-output");
  const button = demo.querySelector(".attn-demo-run");
  const id = nextId++;
  button.disabled = true;
  demo.setAttribute("aria-busy", "true");
  const finish = () => {
    button.disabled = false;
    demo.removeAttribute("aria-busy");
  };
  pending.set(id, {
    progress: (stage) => {
      status.textContent = messages[stage] || stage;
    },
    output: () => {},
    done: (html) => {
      // The HTML comes from attention_core.demo.render_output, which escapes
      // every stream; only renderer output is markup.
      output.innerHTML = html;
      output.dataset.origin = "live";
      status.textContent = messages.done;
      finish();
    },
    failed: (stage, message) => {
      status.textContent = format(messages.failed, { stage, message });
      status.classList.add("attn-demo-status--error");
      finish();
    },
  });
  getWorker().postMessage({
    type: "run",
    id,
    code: spec.code,
    values: {},
    indexURL: new URL(spec.pyodide, document.baseURI).href,
    wheelURL: new URL(spec.wheel, document.baseURI).href,
  });
}

function setup() {
  for (const demo of document.querySelectorAll(".attn-demo:not([data-ready])")) {
    demo.dataset.ready = "";
    demo
      .querySelector(".attn-demo-run")
      .addEventListener("click", () => runDemo(demo));
  }
}

// Material's instant navigation swaps pages without a new DOMContentLoaded;
// its document$ observable fires for every page, including the first.
if (window.document$) window.document$.subscribe(setup);
else setup();
