/*
 * Web Worker that runs attention demos under Pyodide.
 *
 * Messages in:  {type: "run", id, code, values, indexURL, wheelURL}
 * Messages out: {type: "progress", stage}            loading steps
 *               {type: "output", id, kind, text}     each write, as it happens
 *               {type: "done", id, html}             the final rendered output
 *               {type: "failed", id, stage, message} the runtime did not load
 *
 * The final HTML comes from attention_core.demo.render_output, the function
 * the build used, so a live run prints exactly what the page showed.
 */

let runtime = null;

/** Load Pyodide, numpy and the attention_core wheel once per worker. */
function loadRuntime(indexURL, wheelURL) {
  if (runtime) return runtime;
  runtime = (async () => {
    let stage = "download";
    try {
      postMessage({ type: "progress", stage });
      importScripts(indexURL + "pyodide.js");
      stage = "python";
      postMessage({ type: "progress", stage });
      const pyodide = await loadPyodide({ indexURL });
      stage = "numpy";
      postMessage({ type: "progress", stage });
      await pyodide.loadPackage("numpy", { messageCallback: () => {} });
      stage = "wheel";
      postMessage({ type: "progress", stage });
      const response = await fetch(wheelURL);
      if (!response.ok) {
        throw new Error(`${wheelURL} returned HTTP ${response.status}`);
      }
      const sitePackages = pyodide.runPython(
        "import site; site.getsitepackages()[0]",
      );
      pyodide.unpackArchive(await response.arrayBuffer(), "wheel", {
        extractDir: sitePackages,
      });
      const run = pyodide.runPython(`
import json
import importlib
importlib.invalidate_caches()
from attention_core.demo import run_demo, render_output

def _run_demo(code, values_json, emit):
    result = run_demo(code, json.loads(values_json), on_output=emit)
    return render_output(result)

_run_demo
`);
      return { pyodide, run };
    } catch (error) {
      runtime = null;
      error.stage = stage;
      throw error;
    }
  })();
  return runtime;
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type !== "run") return;
  let loaded;
  try {
    loaded = await loadRuntime(message.indexURL, message.wheelURL);
  } catch (error) {
    postMessage({
      type: "failed",
      id: message.id,
      stage: error.stage || "download",
      message: String(error && error.message ? error.message : error),
    });
    return;
  }
  postMessage({ type: "progress", stage: "running" });
  const emit = (kind, text) =>
    postMessage({ type: "output", id: message.id, kind, text });
  const html = loaded.run(
    message.code,
    JSON.stringify(message.values || {}),
    emit,
  );
  postMessage({ type: "done", id: message.id, html });
};
