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
/* A set width: else the browser measures every class name of the list (thousands at
   100,000 tags) to size the box, the largest part of opening the page. */
#filter-class { width: 16em; }
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
  // The pager (text and buttons) of a table, and showing where it is.
  function pagerOf(id) {
    var bar = document.querySelector(".pager[data-for='" + id + "']");
    return {where: bar && bar.querySelector("[data-role=where]"),
            steps: bar ? slice.call(bar.querySelectorAll("button[data-step]")) : []};
  }
  function showPager(bar, page, size, n, last) {
    if (bar.where) {
      bar.where.textContent = n ? ("rows " + (page * size + 1).toLocaleString("en")
        + "\\u2013" + Math.min(n, (page + 1) * size).toLocaleString("en") + " of "
        + n.toLocaleString("en")) : "no rows";
    }
    bar.steps.forEach(function (b) {
      b.disabled = parseInt(b.getAttribute("data-step"), 10) < 0 ? page <= 0 : page >= last;
    });
  }
  // A table whose rows are data (data-rows; data-columns the kind of each column,
  // data-classes the class names of the chips): the rows of the page shown are
  // built, as elements and their text, when first shown. keep(i) says whether row
  // i passes the table's filter.
  function dataTable(table) {
    var kinds = JSON.parse(table.getAttribute("data-columns"));
    var data = JSON.parse(table.getAttribute("data-rows"));
    var names = JSON.parse(table.getAttribute("data-classes") || "[]");
    var size = parseInt(table.getAttribute("data-page"), 10) || data.length || 1;
    var body = table.tBodies[0], bar = pagerOf(table.id);
    var order = data.map(function (row, i) { return i; }), shown = order;
    var built = new Array(data.length), texts = new Array(data.length);
    var chipKinds = {given: true, rm: true, add: true};
    var t = {keep: null, onupdate: null, page: 0, names: names};
    function chipsOf(cell) {
      return cell.map(function (c) { return Array.isArray(c) ? c : [c, ""]; });
    }
    function textOf(cell, kind) {
      if (chipKinds[kind]) {
        return chipsOf(cell).map(function (c) {
          return names[c[0]] + (c[1] ? " " + c[1] : "");
        }).join(" ");
      }
      return Array.isArray(cell) ? cell[0] : cell;
    }
    function build(i) {
      var tr = document.createElement("tr");
      data[i].forEach(function (cell, col) {
        var td = document.createElement("td"), kind = kinds[col];
        if (chipKinds[kind]) {
          var chips = chipsOf(cell);
          if (!chips.length) {
            var empty = document.createElement("span");
            empty.className = "empty";
            empty.textContent = "-";
            td.appendChild(empty);
          }
          chips.forEach(function (c) {
            var chip = document.createElement("span");
            chip.className = "chip " + kind;
            chip.textContent = names[c[0]];
            if (c[1]) {
              var small = document.createElement("small");
              small.textContent = c[1];
              chip.appendChild(small);
            }
            td.appendChild(chip);
          });
        } else {
          if (Array.isArray(cell)) {
            if (kind === "flag") {
              if (cell[1] === 1) { tr.className = "flagged"; }
            } else { td.className = "num"; }
          } else if (kind === "long") { td.className = "text"; }
          td.textContent = textOf(cell, kind);
        }
        tr.appendChild(td);
      });
      return tr;
    }
    t.codes = function (i, kind) {
      var col = kinds.indexOf(kind);
      return col < 0 ? [] : chipsOf(data[i][col]).map(function (c) { return c[0]; });
    };
    t.flagged = function (i) {
      var col = kinds.indexOf("flag");
      return col >= 0 && data[i][col][1] === 1;
    };
    t.text = function (i) {
      if (texts[i] === undefined) {
        texts[i] = data[i].map(function (cell, col) {
          return textOf(cell, kinds[col]);
        }).join("\\n").toLowerCase();
      }
      return texts[i];
    };
    t.show = function (page) {
      var last = Math.max(0, Math.ceil(shown.length / size) - 1);
      page = Math.max(0, Math.min(page, last));
      t.page = page;
      var frag = document.createDocumentFragment();
      shown.slice(page * size, (page + 1) * size).forEach(function (i) {
        if (!built[i]) { built[i] = build(i); }
        frag.appendChild(built[i]);
      });
      body.replaceChildren(frag);
      showPager(bar, page, size, shown.length, last);
    };
    // After a sort or a filter: the rows in the table's order that pass its
    // filter, from their first page.
    t.update = function () {
      shown = t.keep ? order.filter(t.keep) : order;
      if (t.onupdate) { t.onupdate(shown.length); }
      t.show(0);
    };
    bar.steps.forEach(function (b) {
      b.addEventListener("click", function () {
        t.show(t.page + parseInt(b.getAttribute("data-step"), 10));
      });
    });
    // Sorting: a click on a column head, ascending then descending; numbers by
    // their value (NaN last), text by its lower case, ties in the written order.
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var desc = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", desc ? "descending" : "ascending");
        var keyed = data.map(function (row, i) {
          var cell = row[col], kind = kinds[col];
          if (Array.isArray(cell) && !chipKinds[kind]) {
            return [true, cell[1] === null ? NaN : cell[1], i];
          }
          return [false, textOf(cell, kind).toLowerCase(), i];
        });
        keyed.sort(function (a, b) {
          var x = a[1], y = b[1], c = 0;
          if (a[0] && b[0]) {
            if (isNaN(x) || isNaN(y)) { c = isNaN(x) - isNaN(y); } else { c = x - y; }
          } else { c = x < y ? -1 : (x > y ? 1 : 0); }
          if (desc) { c = -c; }
          return c !== 0 ? c : a[2] - b[2];
        });
        order = keyed.map(function (k) { return k[2]; });
        t.update();
      });
    });
    t.show(0);
    return t;
  }
  var tables = {};
  Array.prototype.forEach.call(document.querySelectorAll("table[data-rows]"), function (el) {
    tables[el.id] = dataTable(el);
  });
  function wireFilters() {
    var t = tables.examples;
    if (!t) { return; }
    var cls = document.getElementById("filter-class");
    var where = document.getElementById("filter-where");
    var search = document.getElementById("filter-text");
    var onlyFlagged = document.getElementById("filter-flagged");
    var shown = document.getElementById("shown-count");
    t.keep = function (i) {
      var code = cls.value, scope = where.value, q = search.value.trim().toLowerCase();
      var ok = true;
      if (code !== "") {
        var number = parseInt(code, 10);
        var scopes = scope === "any" ? ["given", "rm", "add"] : [scope];
        ok = scopes.some(function (kind) { return t.codes(i, kind).indexOf(number) >= 0; });
      }
      if (ok && onlyFlagged.checked) { ok = t.flagged(i); }
      if (ok && q) { ok = t.text(i).indexOf(q) >= 0; }
      return ok;
    };
    t.onupdate = function (n) { shown.textContent = n.toLocaleString("en"); };
    // The class list is filled when first used (focus, a click or a key): its
    // options are the table's classes, coded in the order of their names.
    var filled = false;
    function fill() {
      if (filled) { return; }
      filled = true;
      var frag = document.createDocumentFragment();
      t.names.forEach(function (name, code) { frag.appendChild(new Option(name, String(code))); });
      cls.appendChild(frag);
    }
    ["focus", "mousedown", "keydown"].forEach(function (type) {
      cls.addEventListener(type, fill);
    });
    [cls, where, onlyFlagged].forEach(function (el) { el.addEventListener("change", t.update); });
    search.addEventListener("input", t.update);
    // Form fields a reload restored apply at once.
    if (cls.value !== "" || onlyFlagged.checked || search.value.trim() !== "") { t.update(); }
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
    var bar = pagerOf("review-table");
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
      showPager(bar, p, size, changes.length, last);
    }
    bar.steps.forEach(function (b) {
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
  wireFilters();
  wireReview();
  document.body.setAttribute("data-ready", "1");
})();
"""
