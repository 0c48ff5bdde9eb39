/*
 * Web Worker that runs attention demos under Pyodide.
 *
 * Messages in:  {type: "load", indexURL, wheelURL}     start loading early
 *               {type: "run", id, indexURL, wheelURL, code, spec, state,
 *                prelude: [{code, spec, state}]}
 * Messages out: {type: "progress", stage, loaded, total} loading steps; bytes
 *               {type: "ready"}                         runtime loaded
 *               {type: "output", id, parts, dropped}    batched live writes
 *               {type: "done", id, html, ms}            final output, run time in ms
 *               {type: "failed", stage, message}        loading failed
 *               {type: "crashed", id, message}          the interpreter broke
 *
 * The final HTML comes from attention_core.demo.render_output, the function
 * the build used, so a live run prints exactly what the page showed.
 */

"use strict";

// Live output is sent at most this often, so an endless print loop cannot
// flood the page with messages.
const FLUSH_MS = 100;
// Live output kept between two flushes; older text is dropped and counted.
const MAX_PENDING_CHARS = 32 * 1024;

let runtime = null;
let stage = "download";
const bytes = { loaded: 0, total: 0, open: 0 };

/** Post a progress message for the current stage. */
function report(next) {
  stage = next || stage;
  postMessage({
    type: "progress",
    stage,
    loaded: bytes.loaded,
    total: bytes.total,
  });
}

// Pyodide 0.27 logs a failed wasm download as a warning and then never
// settles loadPyodide, so every failed fetch also rejects this promise,
// which the loader races against.
let rejectLoad = () => {};
const fetchFailure = () =>
  new Promise((_, reject) => {
    rejectLoad = reject;
  });

/** Fetch like `fetch`, but fail on HTTP errors and wrong wasm types. */
async function checkedFetch(original, input, init) {
  const url = String(input instanceof Request ? input.url : input);
  let response;
  try {
    response = await original(input, init);
  } catch (error) {
    throw new Error(`could not fetch ${url} (${error.message})`);
  }
  if (!response.ok) {
    throw new Error(`${url} returned HTTP ${response.status}`);
  }
  if (url.endsWith(".wasm")) {
    const type = response.headers.get("Content-Type") || "none";
    if (!type.startsWith("application/wasm")) {
      throw new Error(
        `${url} was served as ${type}; a server must send .wasm files ` +
          "as application/wasm",
      );
    }
  }
  return response;
}

/** Wrap fetch so every download reports its bytes and failures. */
function trackFetches() {
  const original = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    let response;
    try {
      response = await checkedFetch(original, input, init);
    } catch (error) {
      rejectLoad(error);
      throw error;
    }
    if (!response.body) return response;
    const size = Number(response.headers.get("Content-Length")) || 0;
    bytes.total += size;
    bytes.open += 1;
    const reader = response.body.getReader();
    let last = 0;
    const body = new ReadableStream({
      async pull(controller) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch (error) {
          rejectLoad(error);
          throw error;
        }
        const { done, value } = chunk;
        if (done) {
          bytes.open -= 1;
          controller.close();
          if (bytes.open === 0 && stage === "download") report("python");
          return;
        }
        bytes.loaded += value.byteLength;
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          report();
        }
        controller.enqueue(value);
      },
      cancel(reason) {
        bytes.open -= 1;
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Load Pyodide, numpy and the attention_core wheel once per worker. */
function loadRuntime(indexURL, wheelURL) {
  if (runtime) return runtime;
  runtime = (async () => {
    try {
      report("download");
      const failure = fetchFailure();
      failure.catch(() => {});
      // The wheel download overlaps with the interpreter's.
      const wheel = fetch(wheelURL).then((response) => response.arrayBuffer());
      wheel.catch(() => {});
      try {
        importScripts(indexURL + "pyodide.js");
      } catch (error) {
        throw new Error(
          `could not load ${indexURL}pyodide.js (${error.message})`,
        );
      }
      const pyodide = await Promise.race([loadPyodide({ indexURL }), failure]);
      report("numpy");
      // numpy loads while the wheel is unpacked; neither needs the other.
      const numpy = pyodide.loadPackage("numpy", {
        messageCallback: () => {},
        errorCallback: () => {},
      });
      const sitePackages = pyodide.runPython(
        "import site; site.getsitepackages()[0]",
      );
      pyodide.unpackArchive(await wheel, "wheel", { extractDir: sitePackages });
      // Byte-compile attention_core while numpy's files download and its
      // wasm modules compile, so the later import only loads bytecode.
      pyodide.runPython(
        "import compileall; compileall.compile_dir(" +
          `${JSON.stringify(sitePackages + "/attention_core")}, quiet=1)`,
      );
      await Promise.race([numpy, failure]);
      report("wheel");
      const run = pyodide.runPython(`
import json
import importlib
importlib.invalidate_caches()
from attention_core.demo import control_values, render_output, run_shared_demo

def _values(spec_json, state):
    return control_values(json.loads(spec_json)["controls"], state.to_py())

def _run(code, spec_json, state, prelude, emit):
    earlier = [
        (item.code, _values(item.spec, item.state)) for item in prelude
    ]
    result = run_shared_demo(
        earlier, code, _values(spec_json, state), on_output=emit
    )
    return render_output(result)

_run
`);
      report("ready");
      postMessage({ type: "ready" });
      return run;
    } catch (error) {
      runtime = null;
      postMessage({
        type: "failed",
        stage,
        message: String(error && error.message ? error.message : error),
      });
      return null;
    }
  })();
  return runtime;
}

/** Run one demo and stream its output in batches. */
function runDemo(run, message) {
  let parts = [];
  let pending = 0;
  let dropped = 0;
  let lastFlush = performance.now();
  const flush = () => {
    if (parts.length || dropped) {
      postMessage({ type: "output", id: message.id, parts, dropped });
    }
    parts = [];
    pending = 0;
    dropped = 0;
    lastFlush = performance.now();
  };
  const emit = (kind, text) => {
    parts.push([kind, text]);
    pending += text.length;
    while (pending > MAX_PENDING_CHARS && parts.length > 1) {
      const [, removed] = parts.shift();
      pending -= removed.length;
      dropped += removed.length;
    }
    if (performance.now() - lastFlush > FLUSH_MS) flush();
  };
  // Timed here, so that the page reports the run alone, without the loading
  // of Python or the wait in the queue.
  const started = performance.now();
  let html;
  try {
    html = run(
      message.code,
      message.spec,
      message.state,
      message.prelude,
      emit,
    );
  } catch (error) {
    // A Python exception is caught by run_demo; reaching here means the
    // interpreter itself failed (out of wasm memory, a fatal error).
    postMessage({
      type: "crashed",
      id: message.id,
      message: String(error && error.message ? error.message : error),
    });
    return;
  }
  const ms = performance.now() - started;
  flush();
  postMessage({ type: "done", id: message.id, html, ms });
}

self.onmessage = async (event) => {
  const message = event.data;
  const run = await loadRuntime(message.indexURL, message.wheelURL);
  if (message.type !== "run") return;
  if (!run) {
    postMessage({ type: "done", id: message.id, html: null });
    return;
  }
  runDemo(run, message);
};

trackFetches();
