/* Site-wide behavior: make boxes that scroll on their own reachable from the
 * keyboard, and switch languages with a full page load. Material runs this
 * file after its own bundle, and its `document$` observable fires on the
 * first load and after every instant navigation. */
"use strict";

/** Accessible names of a scrolling box without a caption of its own. */
const SCROLL_REGION_LABEL = {
  en: "Scrollable content",
  zh: "可滚动的内容",
};

const FOCUSABLE =
  "a[href], button, input, select, textarea, summary, [tabindex]";

/**
 * Return whether `element` scrolls on its own, horizontally or vertically.
 */
function scrollsOnItsOwn(element) {
  const style = getComputedStyle(element);
  const scrollsX = /auto|scroll/.test(style.overflowX) &&
    element.scrollWidth > element.clientWidth;
  const scrollsY = /auto|scroll/.test(style.overflowY) &&
    element.scrollHeight > element.clientHeight;
  return scrollsX || scrollsY;
}

/**
 * Return a name for a scrolling box: its table caption or figure caption,
 * else a generic name in the page language.
 */
function regionLabel(element) {
  const caption = element.querySelector("caption, figcaption");
  if (caption && caption.textContent.trim()) {
    return caption.textContent.trim();
  }
  const lang = document.documentElement.lang.split("-")[0];
  return SCROLL_REGION_LABEL[lang] || SCROLL_REGION_LABEL.en;
}

/**
 * Give every scrolling box in the page content that contains nothing
 * focusable a tab stop, and a region role and a name where the box is a
 * plain div or span. Boxes that stop scrolling (a wider window) lose what
 * was added again.
 */
function markScrollRegions() {
  const content = document.querySelector(".md-content");
  if (!content) {
    return;
  }
  for (const element of content.querySelectorAll("*")) {
    const marked = element.hasAttribute("data-site-scroll-region");
    if (marked && !scrollsOnItsOwn(element)) {
      unmarkScrollRegion(element);
      continue;
    }
    if (marked || element.matches(FOCUSABLE) || !scrollsOnItsOwn(element)) {
      continue;
    }
    if (element.querySelector(FOCUSABLE)) {
      continue;
    }
    // Record what was added, so that unmarkScrollRegion removes only that.
    const added = ["tabindex"];
    element.setAttribute("tabindex", "0");
    // A role would hide the semantics of a table, figure or code block, so
    // only boxes without their own semantics become named regions.
    const generic = element.matches("div, span") &&
      !element.hasAttribute("role");
    if (generic) {
      element.setAttribute("role", "region");
      added.push("role");
    }
    if (generic && !element.hasAttribute("aria-label")) {
      element.setAttribute("aria-label", regionLabel(element));
      added.push("aria-label");
    }
    element.setAttribute("data-site-scroll-region", added.join(" "));
  }
}

/** Remove the attributes that markScrollRegions added to `element`. */
function unmarkScrollRegion(element) {
  const added = element.getAttribute("data-site-scroll-region").split(" ");
  for (const name of added) {
    element.removeAttribute(name);
  }
  element.removeAttribute("data-site-scroll-region");
}

/**
 * Keep the language selector's links out of instant navigation, which
 * skips links that have a target. Material reads its configuration, and with
 * it the search index of the page language, only on a full page load.
 */
function reloadOnLanguageSwitch() {
  for (const link of document.querySelectorAll("a.md-select__link")) {
    link.setAttribute("target", "_self");
  }
}

/** Run `callback` once the window has stopped resizing for 150 ms. */
function onResizeEnd(callback) {
  let timer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(callback, 150);
  });
}

/** Apply the fixes that every page, and every page change, needs. */
function fixPage() {
  markScrollRegions();
  reloadOnLanguageSwitch();
}

if (typeof document$ !== "undefined") {
  document$.subscribe(fixPage);
} else {
  document.addEventListener("DOMContentLoaded", fixPage);
}
onResizeEnd(markScrollRegions);
