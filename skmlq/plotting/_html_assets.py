"""The stylesheet and the script of the HTML audit report, inlined into every report.

Kept as Python strings (not package data files) so that the report is written by one
import, with nothing to locate on disk. The script only sorts, filters, pages and
counts the table rows already in the page, builds the rows of the page of suggested
changes shown from the list kept in the page (elements and their text: it never
parses markup from data), records the review decisions and hands back the review
file's lines (kept in the page) with them; the page's content security policy allows
no network request and no other script.
"""

CSS = """
:root { --wrong: #c0392b; --missing: #e67e22; --all: #4a7ab5; --line: #d8dde3;
        --muted: #5f6b7a; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d2733; margin: 0; background: var(--bg); }
header { background: #1d2733; color: #fff; padding: 18px 28px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header p { margin: 4px 0 0; color: #c6cfda; font-size: 13px; }
main { max-width: 1280px; margin: 0 auto; padding: 18px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px;
          padding: 14px 18px; margin: 0 0 18px; }
h2 { font-size: 16px; margin: 0 0 10px; }
.summary-text { font-size: 15px; max-width: 900px; white-space: pre-line; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0 0; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.tile b { display: block; font-size: 20px; }
.tile span { color: var(--muted); font-size: 12px; }
.tile.wrong b { color: var(--wrong); } .tile.missing b { color: var(--missing); }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; } figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 0 0 10px; }
.controls label { color: var(--muted); font-size: 13px; }
.controls select, .controls input[type=search] { font: inherit; padding: 3px 6px; }
.note { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.scroll { max-height: 640px; overflow: auto; border: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { position: sticky; top: 0; background: #eef1f5; cursor: pointer; user-select: none;
     white-space: nowrap; }
th[aria-sort=ascending]::after { content: " \\25B2"; font-size: 10px; }
th[aria-sort=descending]::after { content: " \\25BC"; font-size: 10px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { max-width: 420px; overflow-wrap: anywhere; }
tr.flagged td:first-child { box-shadow: inset 3px 0 0 var(--wrong); }
.chip { border-radius: 10px; padding: 0 7px; margin: 0 2px; background: #eef1f5;
        white-space: nowrap; }
/* Chips are inline boxes, not inline blocks: thousands of them lay out faster. */
.chip.rm { background: #f9e0dd; color: #7d1f15; }
.chip.add { background: #fcebd9; color: #7a3f05; }
.chip small { opacity: 0.75; margin-left: 3px; }
.empty { color: #a0a8b3; }
#review-table tr.current td { background: #e8f0fb; }
#review-table tr.current td:first-child { box-shadow: inset 3px 0 0 var(--all); }
td.decide { white-space: nowrap; }
td.decide button { font: inherit; font-size: 12px; margin: 0 2px; padding: 1px 8px;
                   border: 1px solid var(--line); border-radius: 4px; background: #fff;
                   cursor: pointer; }
td.decide button[data-set=accept][aria-pressed=true] { background: #d7f0dc;
                                                       border-color: #2e8b57; }
td.decide button[data-set=reject][aria-pressed=true] { background: #f9e0dd;
                                                       border-color: var(--wrong); }
#review-download { font: inherit; padding: 3px 10px; cursor: pointer; }
#review-changes > summary { cursor: pointer; color: var(--muted); margin: 0 0 8px; }
.pager { display: flex; gap: 8px; align-items: center; margin: 0 0 8px; }
.pager button { font: inherit; font-size: 12px; padding: 1px 8px; cursor: pointer; }
.pager .note { margin: 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 10px; }
"""

JS = """
(function () {
  "use strict";
  var slice = Array.prototype.slice;
  // A long table shows its rows a page at a time (its data-page rows): the rows of
  // the other pages stay in the page, hidden, so that the browser neither styles
  // nor lays them out, while sorting, filtering, the review's keys and its
  // download still see every row. keep(row) says whether a row passes the table's
  // filter; onshow(rows) runs on the rows of each page shown.
  function makePager(table) {
    var size = parseInt(table.getAttribute("data-page"), 10) || 0;
    var body = table.tBodies[0];
    var bar = document.querySelector(".pager[data-for='" + table.id + "']");
    var where = bar && bar.querySelector("[data-role=where]");
    var steps = bar ? slice.call(bar.querySelectorAll("button[data-step]")) : [];
    var pager = {rows: slice.call(body.rows), page: 0, keep: null, onshow: null,
                 onupdate: null};
    var shown = pager.rows.filter(function (r) { return !r.hidden; });
    pager.pageOf = function (i) { return size ? Math.floor(i / size) : 0; };
    pager.show = function (page) {
      var n = pager.rows.length, last = Math.max(0, pager.pageOf(n - 1));
      page = Math.max(0, Math.min(page, last));
      var want = size ? pager.rows.slice(page * size, (page + 1) * size) : pager.rows;
      var keep = new Set(want);
      shown.forEach(function (r) { if (!keep.has(r)) { r.hidden = true; } });
      want.forEach(function (r) { if (r.hidden) { r.hidden = false; } });
      shown = want;
      pager.page = page;
      if (pager.onshow) { pager.onshow(want); }
      if (where) {
        where.textContent = n ? ("rows " + (page * size + 1).toLocaleString("en") + "\\u2013"
          + (page * size + want.length).toLocaleString("en") + " of "
          + n.toLocaleString("en")) : "no rows";
      }
      steps.forEach(function (b) {
        var step = parseInt(b.getAttribute("data-step"), 10);
        b.disabled = step < 0 ? page <= 0 : page >= last;
      });
    };
    // After a sort or a filter: the rows in the table's order that pass its
    // filter, from their first page.
    pager.update = function () {
      var rows = slice.call(body.rows);
      pager.rows = pager.keep ? rows.filter(pager.keep) : rows;
      if (pager.onupdate) { pager.onupdate(pager.rows.length); }
      pager.show(0);
    };
    steps.forEach(function (b) {
      b.addEventListener("click", function () {
        pager.show(pager.page + parseInt(b.getAttribute("data-step"), 10));
      });
    });
    return pager;
  }
  var pagers = {};
  // (The review's list of changes has its own pages: see wireReview.)
  var paged = document.querySelectorAll("table.sortable[data-page]");
  Array.prototype.forEach.call(paged, function (t) {
    pagers[t.id] = makePager(t);
  });
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v !== null) { return {n: true, v: parseFloat(v)}; }
    return {n: false, v: cell.textContent.toLowerCase()};
  }
  function makeSortable(table) {
    var heads = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var desc = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", desc ? "descending" : "ascending");
        var rows = slice.call(body.rows);
        var keyed = rows.map(function (r, i) { return [key(r.cells[col]), i, r]; });
        keyed.sort(function (a, b) {
          var x = a[0].v, y = b[0].v, c = 0;
          if (a[0].n && b[0].n) {
            if (isNaN(x) || isNaN(y)) { c = isNaN(x) - isNaN(y); } else { c = x - y; }
          } else { c = x < y ? -1 : (x > y ? 1 : 0); }
          if (desc) { c = -c; }
          return c !== 0 ? c : a[1] - b[1];
        });
        var frag = document.createDocumentFragment();
        keyed.forEach(function (k) { frag.appendChild(k[2]); });
        body.appendChild(frag);
        if (pagers[table.id]) { pagers[table.id].update(); }
      });
    });
  }
  function wireFilters() {
    var table = document.getElementById("examples");
    if (!table) { return; }
    var cls = document.getElementById("filter-class");
    var where = document.getElementById("filter-where");
    var search = document.getElementById("filter-text");
    var onlyFlagged = document.getElementById("filter-flagged");
    var shown = document.getElementById("shown-count");
    var pager = pagers.examples || makePager(table);
    pager.keep = function (r) {
      var code = cls.value, scope = where.value, q = search.value.trim().toLowerCase();
      var ok = true;
      if (code !== "") {
        var attrs = scope === "any" ? ["data-given", "data-rm", "data-add"] : [scope];
        ok = attrs.some(function (a) {
          return (" " + (r.getAttribute(a) || "") + " ").indexOf(" " + code + " ") >= 0;
        });
      }
      if (ok && onlyFlagged.checked) { ok = r.classList.contains("flagged"); }
      if (ok && q) { ok = r.textContent.toLowerCase().indexOf(q) >= 0; }
      return ok;
    };
    pager.onupdate = function (n) { shown.textContent = n.toLocaleString("en"); };
    [cls, where, onlyFlagged].forEach(function (el) {
      el.addEventListener("change", pager.update);
    });
    search.addEventListener("input", pager.update);
    // Form fields a reload restored apply at once; untouched ones leave the page as
    // written.
    if (cls.value !== "" || onlyFlagged.checked || search.value.trim() !== "") {
      pager.update();
    }
  }
  function bytesOf(base64) {
    var text = atob(base64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function wireReview() {
    var table = document.getElementById("review-table");
    if (!table) { return; }
    // The changes are data: [review file line (base64), example, class, change,
    // given labels, annotation score]; a row is built (text only) when its page is
    // first shown, and keeps its decision while the page is open.
    var changes = JSON.parse(table.getAttribute("data-changes") || "[]");
    var rows = new Array(changes.length), decisions = changes.map(function () { return ""; });
    var body = table.tBodies[0];
    var size = parseInt(table.getAttribute("data-page"), 10) || changes.length || 1;
    var bar = document.querySelector(".pager[data-for='review-table']");
    var where = bar && bar.querySelector("[data-role=where]");
    var steps = bar ? slice.call(bar.querySelectorAll("button[data-step]")) : [];
    var page = -1, last = Math.max(0, Math.ceil(changes.length / size) - 1);
    var current = -1, dirty = false, folded = document.getElementById("review-changes");
    var status = document.getElementById("review-status");
    function cell(row, text, cls) {
      var td = document.createElement("td");
      if (cls) { td.className = cls; }
      if (text !== null) { td.textContent = text; }
      row.appendChild(td);
      return td;
    }
    function press(i) {
      if (!rows[i]) { return; }
      rows[i].setAttribute("data-decision", decisions[i]);
      Array.prototype.forEach.call(rows[i].querySelectorAll("button"), function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-set") === decisions[i]));
      });
    }
    function row(i) {
      if (rows[i]) { return rows[i]; }
      var c = changes[i], tr = document.createElement("tr");
      tr.setAttribute("data-index", String(i));
      cell(tr, String(i + 1), "num");
      cell(tr, String(c[1]), "num");
      var chip = document.createElement("span");
      chip.className = "chip " + (c[3] === "remove" ? "rm" : "add");
      chip.textContent = c[2];
      cell(tr, null).appendChild(chip);
      cell(tr, c[3]);
      cell(tr, c[4]);
      cell(tr, c[5], "num");
      var decide = cell(tr, null, "decide");
      ["accept", "reject"].forEach(function (set) {
        var b = document.createElement("button");
        b.type = "button";
        b.setAttribute("data-set", set);
        b.textContent = set;
        decide.appendChild(b);
      });
      rows[i] = tr;
      press(i);
      return tr;
    }
    function show(p) {
      p = Math.max(0, Math.min(p, last));
      if (p === page) { return; }
      page = p;
      var frag = document.createDocumentFragment();
      var end = Math.min(changes.length, (p + 1) * size);
      for (var i = p * size; i < end; i += 1) { frag.appendChild(row(i)); }
      body.replaceChildren(frag);
      if (where) {
        where.textContent = "rows " + (p * size + 1).toLocaleString("en") + "\u2013"
          + end.toLocaleString("en") + " of " + changes.length.toLocaleString("en");
      }
      steps.forEach(function (b) {
        b.disabled = parseInt(b.getAttribute("data-step"), 10) < 0 ? p <= 0 : p >= last;
      });
    }
    steps.forEach(function (b) {
      b.addEventListener("click", function () {
        show(page + parseInt(b.getAttribute("data-step"), 10));
      });
    });
    show(0);
    function count() {
      var accepted = 0, rejected = 0;
      decisions.forEach(function (d) {
        if (d === "accept") { accepted += 1; } else if (d === "reject") { rejected += 1; }
      });
      document.getElementById("review-accepted").textContent = String(accepted);
      document.getElementById("review-rejected").textContent = String(rejected);
      document.getElementById("review-decided").textContent = String(accepted + rejected);
    }
    function focus(i, stay) {
      if (i < 0 || i >= changes.length) { return; }
      if (current >= 0) { row(current).classList.remove("current"); }
      current = i;
      row(i).classList.add("current");
      if (stay) { return; }
      show(Math.floor(i / size));
      if (folded && !folded.open) { folded.open = true; }
      if (rows[i].scrollIntoView) { rows[i].scrollIntoView({block: "nearest"}); }
    }
    function decide(i, decision) {
      decisions[i] = decision;
      press(i);
      dirty = true;
      status.textContent = "";
      count();
    }
    table.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-set]");
      var tr = event.target.closest("tbody tr");
      if (!tr) { return; }
      var i = parseInt(tr.getAttribute("data-index"), 10);
      focus(i);
      if (button) {
        var set = button.getAttribute("data-set");
        decide(i, decisions[i] === set ? "" : set);
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var tag = event.target.tagName;
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
      var k = event.key;
      if (k === "j") { focus(current + 1); } else if (k === "k") { focus(current - 1); }
      else if ((k === "a" || k === "r" || k === "u") && current >= 0) {
        decide(current, k === "a" ? "accept" : (k === "r" ? "reject" : ""));
        if (k !== "u") { focus(current + 1); }
      } else { return; }
      event.preventDefault();
    });
    var enc = new TextEncoder(), newline = enc.encode("\\n");
    document.getElementById("review-download").addEventListener("click", function () {
      var parts = [bytesOf(table.getAttribute("data-header")), newline];
      changes.forEach(function (c, i) {
        parts.push(bytesOf(c[0]), enc.encode(decisions[i]), newline);
      });
      var url = URL.createObjectURL(new Blob(parts, {type: "text/csv"}));
      var link = document.createElement("a");
      link.href = url;
      link.download = this.getAttribute("data-name");
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      dirty = false;
      status.textContent = "downloaded";
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    focus(0, true);  // the page opens at its top, not at the review
    count();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
  wireFilters();
  wireReview();
  document.body.setAttribute("data-ready", "1");
})();
"""
