// The page's only stylesheet, inlined into every response (one request paints the page) and allowed by
// its hash in the CSP, so no 'unsafe-inline' is needed. Mobile first: one column; steps go across from
// 40rem. Colours: text #1f2937 (14.7:1 on white), muted #4b5563 (7.6:1), problem #b91c1c (6.5:1),
// success #166534 (7.1:1); brand text uses the palette's `ink`, darkened to ≥ 4.5:1 (see ../color.ts).
import type { Palette } from '../color';

export function stylesheet(p: Palette): string {
  return `
:root{--ink:${p.ink};--on-ink:${p.onInk};--brand:${p.brand};--text:#1f2937;--muted:#4b5563;--line:#d1d5db;--bad:#b91c1c;--ok:#166534;--bg:#f3f4f6}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--text);background:var(--bg)}
a{color:var(--ink)}
:focus-visible{outline:3px solid var(--ink);outline-offset:2px}
.wrap{max-width:40rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{background:#fff;border-bottom:4px solid var(--brand)}
.top .wrap{display:flex;align-items:center;min-height:3.5rem;font-weight:700;font-size:1.125rem}
.top img{max-height:2.5rem;max-width:12rem}
main.wrap{padding-top:1rem;padding-bottom:1rem}
h1{font-size:1rem;color:var(--muted);font-weight:600;margin:0 0 .25rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
.card{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.headline{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
.eta{margin:.25rem 0 0}
.note{color:var(--muted);font-size:.875rem;margin:.75rem 0 0}
.steps{list-style:none;margin:1rem 0 0;padding:0}
.steps li{position:relative;padding:0 0 1rem 2rem;color:var(--muted)}
.steps li::before{content:"";position:absolute;left:.25rem;top:.3rem;width:.75rem;height:.75rem;border-radius:50%;border:2px solid var(--line);background:#fff}
.steps li::after{content:"";position:absolute;left:.65rem;top:1.3rem;bottom:0;border-left:2px solid var(--line)}
.steps li:last-child{padding-bottom:0}.steps li:last-child::after{display:none}
.steps .done,.steps .current{color:var(--text)}
.steps .done::before{background:var(--ink);border-color:var(--ink)}
.steps .done::after{border-color:var(--ink)}
.steps .current{font-weight:700}.steps .current::before{border-color:var(--ink);box-shadow:0 0 0 3px #fff,0 0 0 5px var(--brand)}
.steps .problem{color:var(--bad);font-weight:700}.steps .problem::before{background:var(--bad);border-color:var(--bad)}
.banner{border-left:4px solid var(--bad);padding:.5rem .75rem;background:#fef2f2;margin:.75rem 0 0}
.banner.good{border-color:var(--ok);background:#f0fdf4}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{padding:.75rem 0;border-top:1px solid var(--line)}
.timeline li:first-child{border-top:0;padding-top:0}
.timeline time,.timeline .loc{display:block;color:var(--muted);font-size:.875rem}
.timeline p{margin:0;font-weight:600}
form{margin:0}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input,select{font:inherit;width:100%;padding:.625rem;border:1px solid #6b7280;border-radius:.375rem;background:#fff;color:var(--text)}
.btn{display:inline-block;font:inherit;font-weight:700;padding:.75rem 1rem;min-height:2.75rem;border:0;border-radius:.375rem;background:var(--ink);color:var(--on-ink);cursor:pointer;margin-top:.75rem;text-decoration:none}
.btn.alt{background:#fff;color:var(--ink);border:2px solid var(--ink)}
.option{border-top:1px solid var(--line);margin-top:1rem;padding-top:.5rem}
details summary{cursor:pointer;font-weight:700;color:var(--ink);padding:.5rem 0;min-height:2.75rem}
.error{color:var(--bad);font-weight:600;margin:.25rem 0 0}
.flash{padding:.75rem;border-radius:.375rem;margin:0 0 1rem;background:#f0fdf4;border:1px solid var(--ok)}
.flash.bad{background:#fef2f2;border-color:var(--bad)}
.foot{color:var(--muted);font-size:.875rem;padding-bottom:2rem}
@media (min-width:40rem){
.steps{display:flex}
.steps li{flex:1;padding:1.75rem .25rem 0 0;font-size:.875rem}
.steps li::before{left:0;top:0}
.steps li::after{left:1rem;right:0;top:.6rem;bottom:auto;border-left:0;border-top:2px solid var(--line)}
.steps .done::after{border-color:var(--ink)}
.steps li:last-child{padding-right:0}
}
@media (prefers-reduced-motion:no-preference){.flash{animation:fade .4s}@keyframes fade{from{opacity:0}}}
`.replace(/\n/g, '');
}
