/*
 * A small code editor for the demos: a <textarea> over a highlighted <pre>.
 *
 * The textarea holds the text and the caret, with transparent glyphs; the
 * <pre> behind it shows the same text highlighted by a small Python
 * tokenizer. Both use the same font and wrapping, so the glyphs line up.
 * Highlighting uses Pygments' class names, which the theme already colours.
 */

const KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del " +
    "elif else except finally for from global if import in is lambda " +
    "nonlocal not or pass raise return try while with yield match case"
  ).split(" "),
);
const BUILTINS = new Set(
  (
    "abs all any bool dict display divmod enumerate filter float format int " +
    "isinstance len list map max min next object print range repr reversed " +
    "round set sorted str sum super tuple type zip"
  ).split(" "),
);

// One alternative per token kind; the first group that matches names it.
const TOKEN = new RegExp(
  [
    "(#[^\\n]*)", // comment
    "([rRbBuUfF]{0,2}(?:'''[\\s\\S]*?(?:'''|$)|\"\"\"[\\s\\S]*?(?:\"\"\"|$)" +
      "|'(?:\\\\.|[^'\\\\\\n])*'?|\"(?:\\\\.|[^\"\\\\\\n])*\"?))", // string
    "(\\b(?:0[xob][\\da-f_]+|\\d[\\d_]*\\.?[\\d_]*(?:e[+-]?\\d+)?j?" +
      "|\\.\\d[\\d_]*(?:e[+-]?\\d+)?j?)\\b)", // number
    "([A-Za-z_\\u00c0-\\uffff][\\w\\u00c0-\\uffff]*)", // name
    "([-+*/%@&|^~<>=!]=?|\\*\\*|//|<<|>>|->|:=)", // operator
  ].join("|"),
  "gi",
);

/** Escape text for HTML element content. */
function escapeHTML(text) {
  const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
  return text.replace(/[&<>]/g, (c) => entities[c]);
}

/** Return highlighted HTML for Python `source`, with Pygments class names. */
export function highlightPython(source) {
  let html = "";
  let last = 0;
  let previous = "";
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(source); match; match = TOKEN.exec(source)) {
    if (match[0] === "") {
      TOKEN.lastIndex += 1;
      continue;
    }
    html += escapeHTML(source.slice(last, match.index));
    last = match.index + match[0].length;
    const [text, comment, string, number, name, operator] = match;
    let cls = "";
    if (comment) cls = "c1";
    else if (string) cls = "s";
    else if (number) cls = "mi";
    else if (name) {
      if (KEYWORDS.has(name)) cls = "k";
      else if (previous === "def") cls = "nf";
      else if (previous === "class") cls = "nc";
      else if (BUILTINS.has(name)) cls = "nb";
      previous = name;
    } else if (operator) cls = "o";
    html += cls
      ? `<span class="${cls}">${escapeHTML(text)}</span>`
      : escapeHTML(text);
  }
  return html + escapeHTML(source.slice(last));
}

/**
 * Replace the static code block `host` with an editor.
 *
 * Keys: Tab and Shift+Tab indent and dedent, Enter keeps the indentation,
 * Ctrl/Cmd+Enter calls `onRun`, Escape calls `onEscape` (which moves focus
 * out, so Tab can leave the editor). Returns {value, setValue, textarea}.
 */
export function createEditor(host, code, { label, hint, onRun, onEscape }) {
  const wrapper = document.createElement("div");
  wrapper.className = "attn-editor";
  const pre = document.createElement("pre");
  pre.setAttribute("aria-hidden", "true");
  const view = document.createElement("code");
  pre.append(view);
  const textarea = document.createElement("textarea");
  textarea.className = "attn-editor-input";
  textarea.spellcheck = false;
  textarea.setAttribute("autocapitalize", "off");
  textarea.setAttribute("autocomplete", "off");
  textarea.setAttribute("aria-label", label);
  const hintId = `attn-hint-${Math.random().toString(36).slice(2, 10)}`;
  const hintElement = document.createElement("span");
  hintElement.id = hintId;
  hintElement.className = "attn-visually-hidden";
  hintElement.textContent = hint;
  textarea.setAttribute("aria-describedby", hintId);
  wrapper.append(pre, textarea, hintElement);

  const render = () => {
    // The trailing space keeps a final empty line as tall as the textarea's.
    view.innerHTML = highlightPython(textarea.value) + " ";
  };
  const replaceSelection = (text, start, end, caretStart, caretEnd) => {
    textarea.setRangeText(text, start, end);
    textarea.setSelectionRange(caretStart, caretEnd ?? caretStart);
    render();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };

  textarea.addEventListener("input", render);
  textarea.addEventListener("keydown", (event) => {
    const { value, selectionStart: start, selectionEnd: end } = textarea;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    } else if (event.key === "Escape") {
      event.preventDefault();
      onEscape();
    } else if (event.key === "Tab" && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      if (!event.shiftKey && start === end) {
        const spaces = 4 - ((start - lineStart) % 4);
        replaceSelection(" ".repeat(spaces), start, end, start + spaces);
        return;
      }
      // Indent or dedent every line the selection touches.
      const block = value.slice(lineStart, end);
      const lines = block.split("\n");
      const changed = lines.map((line) =>
        event.shiftKey ? line.replace(/^ {1,4}/, "") : "    " + line,
      );
      const text = changed.join("\n");
      const first = changed[0].length - lines[0].length;
      replaceSelection(
        text,
        lineStart,
        end,
        Math.max(lineStart, start + first),
        end + text.length - block.length,
      );
    } else if (event.key === "Enter" && !event.shiftKey && start === end) {
      event.preventDefault();
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      const line = value.slice(lineStart, start);
      let indent = line.match(/^ */)[0];
      if (/:\s*(#.*)?$/.test(line)) indent += "    ";
      replaceSelection("\n" + indent, start, end, start + 1 + indent.length);
    }
  });

  const setValue = (text) => {
    textarea.value = text;
    render();
  };
  setValue(code);
  host.replaceChildren(wrapper);
  return { value: () => textarea.value, setValue, textarea };
}
