// Render TeX formulas to HTML with KaTeX, for the build-time math hook.
//
// Reads a JSON array of {tex, display} from stdin and writes a JSON array of
// {html} or {error} objects, one per formula and in the same order, to stdout.
"use strict";

const katex = require("katex");

/** Read all of stdin as one UTF-8 string. */
function readStdin() {
  return require("fs").readFileSync(0, "utf8");
}

/** Render one formula, returning {html} or {error} instead of throwing. */
function renderFormula({ tex, display }) {
  try {
    const html = katex.renderToString(tex, {
      displayMode: Boolean(display),
      throwOnError: true,
      output: "htmlAndMathml",
      strict: "error",
    });
    return { html };
  } catch (err) {
    return { error: String(err.message || err) };
  }
}

const formulas = JSON.parse(readStdin());
process.stdout.write(JSON.stringify(formulas.map(renderFormula)));
