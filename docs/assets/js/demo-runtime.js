/*
 * The page's connection to the demo worker: one worker for the whole visit
 * (it survives Material's instant navigation), a queue of runs, Stop by
 * terminating and restarting the worker, and failure reports.
 *
 * A job is {demo, request, on: {progress, output, done, failed, crashed}};
 * only one job is in the worker at a time, so Stop ends exactly that one.
 */

const workerURL = new URL("attention-worker.js", import.meta.url);

let worker = null;
let urls = null;
let ready = false;
let current = null;
const queue = [];
const watchers = new Set();

/** Send `message` to every job that waits on the runtime, and to watchers. */
function broadcast(kind, ...args) {
  for (const job of [current, ...queue]) {
    if (job) job.on[kind]?.(...args);
  }
  for (const watcher of watchers) watcher[kind]?.(...args);
}

/** Handle one message from the worker. */
function receive(event) {
  const message = event.data;
  if (message.type === "progress") {
    broadcast("progress", message.stage, message.loaded, message.total);
  } else if (message.type === "ready") {
    ready = true;
    current?.on.progress("running");
    for (const job of queue) job.on.progress("queued");
    broadcast("ready");
  } else if (message.type === "failed") {
    fail(message.stage, message.message);
  } else if (current && message.id === current.id) {
    const job = current;
    if (message.type === "output") {
      job.on.output(message.parts, message.dropped);
    } else if (message.type === "done") {
      current = null;
      if (message.html !== null) job.on.done(message.html, message.ms);
      pump();
    } else if (message.type === "crashed") {
      current = null;
      restart();
      job.on.crashed(message.message);
    }
  }
}

/** Drop the worker and fail every waiting job with what went wrong. */
function fail(stage, text) {
  worker?.terminate();
  worker = null;
  ready = false;
  const jobs = [current, ...queue].filter(Boolean);
  current = null;
  queue.length = 0;
  for (const job of jobs) job.on.failed(stage, text);
  for (const watcher of watchers) watcher.failed?.(stage, text);
}

/** Start a worker and tell it to load the runtime from `urls`. */
function start() {
  ready = false;
  worker = new Worker(workerURL);
  worker.onmessage = receive;
  worker.onerror = (event) => {
    event.preventDefault();
    fail("download", event.message || `could not start ${workerURL}`);
  };
  worker.postMessage({ type: "load", ...urls });
}

/** End the worker at once and start a fresh one. */
function restart() {
  worker?.terminate();
  start();
}

/** Post the next queued job to the worker, if none is running. */
function pump() {
  if (current || !queue.length) return;
  if (!worker) start();
  current = queue.shift();
  const { id, request } = current;
  worker.postMessage({ type: "run", id, ...urls, ...request });
}

let nextId = 0;

/**
 * Start loading the runtime without running anything (on the first sign
 * that a reader is about to run a demo).
 */
export function preload(runtimeURLs) {
  urls ??= runtimeURLs;
  if (!worker) start();
}

/** Return true once the runtime has finished loading. */
export function isReady() {
  return ready;
}

/**
 * Queue a run of `demo`. A run of the same demo that has not started yet is
 * replaced, so a dragged slider runs once with its final value.
 */
export function enqueue(demo, runtimeURLs, request, on) {
  urls ??= runtimeURLs;
  const waiting = queue.findIndex((job) => job.demo === demo);
  if (waiting >= 0) queue.splice(waiting, 1);
  queue.push({ id: nextId++, demo, request, on });
  pump();
  return current?.demo === demo ? "running" : "queued";
}

/**
 * Stop the run of `demo`: a queued run is dropped; a running one ends with
 * its worker, and a new worker starts loading. Returns whether it restarted.
 */
export function stop(demo) {
  const waiting = queue.findIndex((job) => job.demo === demo);
  if (waiting >= 0) queue.splice(waiting, 1);
  if (current?.demo !== demo) return false;
  current = null;
  restart();
  pump();
  return true;
}

/** Return true while `demo` has a run in the worker. */
export function isRunning(demo) {
  return current?.demo === demo;
}

/** Get progress and failure callbacks while no job of the watcher waits. */
export function watch(watcher) {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}
