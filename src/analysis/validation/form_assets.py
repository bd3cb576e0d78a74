"""Text, CSS and JavaScript of the validation form (assembled by :mod:`.form`).

Plain strings with ``__NAME__`` placeholders; nothing here may contain a
network address (the form must work offline, from a file).
"""

from __future__ import annotations

#: What a coder is asked, per kind: (Chinese, English).
INSTRUCTIONS = {
    "intro": ("本问卷检验一个主题模型的主题是否为人所理解。每题只有一个最合适的答案；"
              "少数题目是明显的检查题。请凭第一印象作答。答案会随时保存在本浏览器中："
              "关闭页面后，用同一编号重新进入即可继续。全部完成后，请下载答案文件并发送给研究团队。",
              "This form checks whether the topics of a topic model make sense to human "
              "readers. Each item has one best answer; a few are obvious checks. Answer by "
              "your first reading. Answers are saved in this browser as you go: close the "
              "page, reopen it, enter the same coder id and continue. At the end, download "
              "your answers and send the file to the research team."),
    "word_intrusion": ("下面的词语中，有一个与其他词语不属于同一主题。请选出这个闯入词。",
                       "One of these words does not belong with the others. Click it."),
    "word_set_intrusion": ("下面有四组词：三组来自同一主题，一组不是。请选出不属于同一主题的那一组。",
                           "Three of these four word sets come from one theme, one does not. "
                           "Click the set that does not belong."),
    "topic_intrusion": ("请阅读下面的段落。四组词中有三组描述这段文字的主题，一组与之无关。请选出最不相关的一组。",
                        "Read the paragraph. Three of the four word sets describe its themes, "
                        "one does not. Click the set that fits it least."),
    "label_intrusion": ("请阅读下面的段落。四个标签中有三个描述这段文字，一个与之无关。请选出最不相关的标签。",
                        "Read the paragraph. Three of the four labels describe it, one does "
                        "not. Click the label that fits it least."),
    "optimal_label": ("请阅读下面的段落，选出最能概括其内容的标签。",
                      "Read the paragraph and click the label that describes it best."),
}

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
 sans-serif;margin:0;background:#f6f6f3;color:#222;line-height:1.6}
main{max-width:46rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;
 border:1px solid #ddd;border-radius:6px}
h1{font-size:1.3rem;margin-top:0} .en{color:#555;font-size:.92em}
.hidden{display:none} #warn{color:#a00}
input[type=text]{font-size:1.1rem;padding:.3rem .5rem;width:14rem}
button{font-size:1rem;padding:.45rem 1rem;margin:.25rem .25rem .25rem 0;cursor:pointer;
 border:1px solid #888;border-radius:4px;background:#fafafa}
button:hover{background:#eef}
.opt{display:block;width:100%;text-align:left;font-size:1.15rem;padding:.6rem 1rem}
.opt.chosen{background:#dde8ff;border-color:#36c}
.opt .en{display:block;font-size:.85rem}
#doc{background:#f3f3ee;border-left:4px solid #aa9;padding:.6rem 1rem;margin:.8rem 0;
 white-space:pre-wrap}
#bar{height:8px;background:#e4e4e4;border-radius:4px;margin:.3rem 0 1rem}
#fill{height:8px;background:#36c;border-radius:4px;width:0}
.meta{color:#666;font-size:.9rem}
"""

BODY = """
<main>
<h1>__TITLE__</h1>
<p id="warn" class="hidden"></p>
<section id="start-screen">
 <p>__INTRO__</p>
 <p><label>编号 <span class="en">__CODER_EN__</span><br>
 <input type="text" id="coder" autocomplete="off"></label></p>
 <button id="start">开始 / 继续 <span class="en">__START_EN__</span></button>
 <p class="meta">form __VERSION__ · <span id="n-items"></span> items</p>
</section>
<section id="item-screen" class="hidden">
 <p class="meta"><span id="coder-shown"></span> · <span id="progress"></span>
  <span class="en">__ANSWERED_EN__</span> · #<span id="position"></span></p>
 <div id="bar"><div id="fill"></div></div>
 <div id="item">
  <p id="instruction"></p>
  <div id="doc" class="hidden"></div>
  <div id="options"></div>
 </div>
 <p><button id="back">← 上一题 <span class="en">__BACK_EN__</span></button>
 <button id="download-partial">下载已答部分 <span class="en">__PARTIAL_EN__</span></button></p>
</section>
<section id="done" class="hidden">
 <p>全部完成，谢谢！ <span class="en">__DONE_EN__</span></p>
 <p><button id="download-json">下载答案 JSON</button>
 <button id="download-csv">下载答案 CSV</button>
 <button id="review">← 返回检查 <span class="en">__REVIEW_EN__</span></button></p>
</section>
</main>
"""

ENGLISH = {"__CODER_EN__": "Coder id", "__START_EN__": "Start / continue",
           "__ANSWERED_EN__": "answered", "__BACK_EN__": "Previous item",
           "__PARTIAL_EN__": "Download answers so far",
           "__DONE_EN__": "All items answered, thank you! Download your answers below.",
           "__REVIEW_EN__": "Back to review"}

JS = r"""
(function () {
"use strict";
var D = JSON.parse(document.getElementById("form-data").textContent);
var EN = D.language === "zh+en";
var byId = {}; D.items.forEach(function (it) { byId[it.id] = it; });
var N = D.items.length, coder = null, order = [], st = null;
function $(id) { return document.getElementById(id); }
function show(id) { ["start-screen", "item-screen", "done"].forEach(function (s) {
  $(s).classList.toggle("hidden", s !== id); }); }
function hash(s) { var h = 0x811c9dc5; for (var i = 0; i < s.length; i++) {
  h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; } return h >>> 0; }
function mulberry32(a) { return function () { a = (a + 0x6D2B79F5) | 0;
  var t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
function shuffle(a, rand) { for (var i = a.length - 1; i > 0; i--) {
  var j = Math.floor(rand() * (i + 1)); var t = a[i]; a[i] = a[j]; a[j] = t; } return a; }
function makeOrder(c) {
  var rand = mulberry32(hash(D.seed + ":" + c)), out = [];
  D.kinds.forEach(function (kind) {
    var blocks = {};
    D.items.forEach(function (it) { if (it.kind === kind) {
      (blocks[it.block] = blocks[it.block] || []).push(it.id); } });
    shuffle(Object.keys(blocks).sort(), rand).forEach(function (b) {
      out = out.concat(shuffle(blocks[b].slice(), rand)); });
  });
  return out;
}
function storeKey(c) { return "pingan-validation|" + D.form_version + "|" + c; }
function save() { try { localStorage.setItem(storeKey(coder), JSON.stringify(st));
  localStorage.setItem("pingan-validation|" + D.form_version + "|last", coder); }
  catch (e) { warn("本浏览器无法保存进度 / this browser cannot save progress: " + e); } }
function load(c) { try { var s = localStorage.getItem(storeKey(c)); return s ? JSON.parse(s) : null; }
  catch (e) { return null; } }
function warn(msg) { $("warn").textContent = msg; $("warn").classList.remove("hidden"); }
function nAnswered() { return Object.keys(st.answers).length; }
function firstOpen() { for (var i = 0; i < order.length; i++) {
  if (!st.answers[order[i]]) { return i; } } return -1; }
function text(el, zh, en) { el.textContent = zh;
  if (EN && en) { var s = document.createElement("span"); s.className = "en";
    s.textContent = " " + en; el.appendChild(s); } }
function render() {
  var done = nAnswered();
  $("progress").textContent = done + " / " + N;
  $("fill").style.width = (100 * done / N) + "%";
  if (st.pos < 0 || st.pos >= order.length) { show("done"); return; }
  show("item-screen");
  var it = byId[order[st.pos]], ins = D.instructions[it.kind];
  $("position").textContent = (st.pos + 1) + " / " + N;
  $("item").setAttribute("data-task-id", it.id);
  text($("instruction"), ins[0], ins[1]);
  $("doc").textContent = it.doc; $("doc").classList.toggle("hidden", !it.doc);
  var box = $("options"); box.textContent = "";
  var prev = st.answers[it.id];
  it.options.forEach(function (o, i) {
    var b = document.createElement("button"); b.className = "opt";
    b.setAttribute("data-choice", String(i));
    text(b, (i + 1) + ". " + o, it.options_en.length ? it.options_en[i] : "");
    if (prev && prev.choice === i) { b.classList.add("chosen"); }
    b.addEventListener("click", function () { choose(it, i); });
    box.appendChild(b);
  });
  $("back").disabled = st.pos === 0;
}
function choose(it, i) {
  st.answers[it.id] = {choice: i, choice_text: it.options[i], answered_at: new Date().toISOString(),
                       position: order.indexOf(it.id) + 1};
  var next = st.pos + 1;
  st.pos = (next < order.length && !st.answers[order[next]]) ? next : firstOpen();
  save(); render();
}
function start() {
  var c = $("coder").value.trim();
  if (!c) { warn("请输入编号 / please enter a coder id"); return; }
  $("warn").classList.add("hidden");
  coder = c; order = makeOrder(c); st = load(c) || {answers: {}, pos: 0};
  st.pos = firstOpen(); $("coder-shown").textContent = c; save(); render();
}
function records() { return order.filter(function (id) { return st.answers[id]; }).map(
  function (id) { var a = st.answers[id]; return {form_version: D.form_version, coder_id: coder,
    task_id: id, choice: a.choice, choice_text: a.choice_text, answered_at: a.answered_at,
    position: a.position}; }); }
function fileName(ext) { return "answers_" + D.form_version + "_" +
  coder.replace(/[^A-Za-z0-9_.-]+/g, "_") + "." + ext; }
function download(ext) {
  var recs = records(), body;
  if (ext === "json") { body = JSON.stringify({form_version: D.form_version, coder_id: coder,
    seed: D.seed, n_tasks: N, answers: recs}, null, 1); }
  else { var cols = ["form_version", "coder_id", "task_id", "choice", "choice_text", "answered_at"];
    body = cols.join(",") + "\n" + recs.map(function (r) { return cols.map(function (c) {
      return '"' + String(r[c]).replace(/"/g, '""') + '"'; }).join(","); }).join("\n") + "\n"; }
  var a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([body], {type: ext === "json" ?
    "application/json" : "text/csv"}));
  a.download = fileName(ext); document.body.appendChild(a); a.click(); a.remove();
}
$("n-items").textContent = String(N);
try { var last = localStorage.getItem("pingan-validation|" + D.form_version + "|last");
  if (last) { $("coder").value = last; } } catch (e) { warn("localStorage: " + e); }
$("start").addEventListener("click", start);
$("coder").addEventListener("keydown", function (e) { if (e.key === "Enter") { start(); } });
$("back").addEventListener("click", function () { if (st.pos > 0) { st.pos -= 1; }
  else if (st.pos < 0) { st.pos = order.length - 1; } save(); render(); });
$("review").addEventListener("click", function () { st.pos = order.length - 1; render(); });
$("download-json").addEventListener("click", function () { download("json"); });
$("download-csv").addEventListener("click", function () { download("csv"); });
$("download-partial").addEventListener("click", function () { download("json"); });
document.addEventListener("keydown", function (e) {
  if (!st || $("item-screen").classList.contains("hidden")) { return; }
  var i = parseInt(e.key, 10), it = byId[order[st.pos]];
  if (i >= 1 && i <= it.options.length) { choose(it, i - 1); } });
})();
"""
