// Measures a lunr index (Debian libjs-lunr 2.3.9) over opsbook's search-index.js pages with a
// CJK-aware tokenizer: Han bigrams + unigrams, ASCII words. Prints size and build time.
const fs = require('fs');
const lunr = require('/usr/share/javascript/lunr/lunr.js');
const src = fs.readFileSync(process.argv[2], 'utf8');
const pages = JSON.parse(src.slice(src.indexOf('=') + 1).trim().replace(/;$/, '')).pages;
const HAN = /[\u4e00-\u9fff]/;
function tokens(text) {
  const out = [];
  for (const run of text.toLowerCase().match(/[\u4e00-\u9fff]+|[a-z0-9_][a-z0-9_.-]*/g) || []) {
    if (HAN.test(run[0])) { for (let i = 0; i < run.length; i++) { out.push(run[i]); if (i + 1 < run.length) out.push(run.slice(i, i + 2)); } }
    else out.push(run);
  }
  return out;
}
const t0 = Date.now();
const idx = lunr(function () {
  this.pipeline.reset(); this.searchPipeline.reset();
  this.tokenizer = function (obj) { if (obj == null) return []; if (Array.isArray(obj)) return obj.map(t => new lunr.Token(String(t))); return tokens(String(obj)).map(t => new lunr.Token(t)); };
  this.ref('u'); this.field('t'); this.field('x');
  pages.forEach(p => this.add({ u: p.u, t: p.t, x: p.s.map(s => s[1] + ' ' + s[2]).join(' ') }));
});
const ms = Date.now() - t0;
const json = JSON.stringify(idx);
const text = pages.reduce((n, p) => n + Buffer.byteLength(JSON.stringify(p)), 0);
console.log(JSON.stringify({ pages: pages.length, lunr_index_bytes: Buffer.byteLength(json), lunr_build_ms: ms, plain_text_bytes: text }));
// How an AND query of bigrams would go: "憑證" as the term "憑證" (needs + presence for recall and precision).
const q = process.argv[3] || '憑證';
const res = idx.query(b => tokens(q).filter(t => t.length > 1 || !HAN.test(t)).forEach(t => b.term(t, { presence: lunr.Query.presence.REQUIRED })));
console.log('query', q, 'lunr results', res.length);
