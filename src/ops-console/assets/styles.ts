// The console's one stylesheet, served from /ops/assets (no external fonts, icons or CDNs). Colours keep
// text at ≥ 4.5:1 contrast; focus is always visible; status is told in words, not colour alone.
export const STYLES = `
:root { --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#f6f8fa; --card:#fff; --accent:#0b5cad; --ok:#1a7f37; --warn:#7d4e00; --bad:#b42318; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color:var(--accent); }
:focus-visible { outline:3px solid #f59e0b; outline-offset:2px; }
.skip { position:absolute; left:-9999px; top:0; background:#fff; padding:.5rem 1rem; z-index:10; }
.skip:focus { left:.5rem; }
.vh { position:absolute !important; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
header.top { display:flex; align-items:center; gap:1.5rem; flex-wrap:wrap; background:#0d1b2a; color:#fff; padding:.6rem 1.25rem; }
header.top .brand { font-weight:700; letter-spacing:.02em; }
header.top nav ul { display:flex; gap:.25rem; list-style:none; margin:0; padding:0; flex-wrap:wrap; }
header.top nav a { color:#e6edf3; text-decoration:none; padding:.35rem .7rem; border-radius:6px; display:inline-block; }
header.top nav a:hover { background:#1f3147; }
header.top nav a[aria-current="page"] { background:#fff; color:#0d1b2a; font-weight:600; }
header.top .who { margin-left:auto; display:flex; gap:.75rem; align-items:center; color:#c9d1d9; font-size:.9rem; }
header.top .who form { margin:0; }
header.top .who button { background:transparent; color:#fff; border:1px solid #8b949e; }
main { padding:1.25rem; max-width:1440px; margin:0 auto; }
main:focus { outline:none; }
h1 { font-size:1.5rem; margin:.25rem 0 1rem; }
h2 { font-size:1.15rem; margin:1.5rem 0 .5rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
.flash { border-radius:8px; padding:.75rem 1rem; margin-bottom:1rem; border:1px solid; }
.flash-ok { background:#dafbe1; border-color:#4ac26b; }
.flash-error { background:#ffebe9; border-color:#ff8182; }
form.filters { display:flex; gap:.75rem 1rem; flex-wrap:wrap; align-items:flex-end; }
form.filters .field { display:flex; flex-direction:column; gap:.2rem; }
label { font-weight:600; font-size:.9rem; }
.check { display:flex; gap:.4rem; align-items:center; font-weight:600; font-size:.9rem; }
input, select, button { font:inherit; }
input[type=text], input[type=search], input[type=password], input[type=url], input[type=date], input[type=number], select { padding:.4rem .5rem; border:1px solid #8c959f; border-radius:6px; background:#fff; min-width:0; }
input[aria-invalid=true], select[aria-invalid=true] { border-color:var(--bad); box-shadow:0 0 0 1px var(--bad); }
button, .button { display:inline-block; padding:.4rem .8rem; border-radius:6px; border:1px solid #1f6feb; background:#1f6feb; color:#fff; cursor:pointer; text-decoration:none; font-weight:600; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); border-color:#8c959f; }
button.danger { background:var(--bad); border-color:var(--bad); }
table { border-collapse:collapse; width:100%; background:var(--card); }
caption { text-align:left; font-weight:600; padding:.5rem .6rem; }
th, td { padding:.45rem .6rem; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#eef1f4; font-size:.85rem; }
tbody th { background:transparent; font-size:inherit; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.table-wrap { overflow-x:auto; border:1px solid var(--line); border-radius:8px; background:var(--card); }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; font-weight:600; border:1px solid; white-space:nowrap; }
.badge-ok { color:var(--ok); border-color:var(--ok); background:#dafbe1; }
.badge-warn { color:var(--warn); border-color:var(--warn); background:#fff8c5; }
.badge-bad { color:var(--bad); border-color:var(--bad); background:#ffebe9; }
.badge-info { color:#0550ae; border-color:#0550ae; background:#ddf4ff; }
.muted { color:var(--muted); }
.nowrap { white-space:nowrap; }
.actions { display:flex; gap:.4rem; flex-wrap:wrap; align-items:center; }
.actions form { display:flex; gap:.3rem; align-items:center; margin:0; }
.live-bar { display:flex; gap:1rem; align-items:center; margin:.5rem 0; min-height:1.6rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; }
dl.facts dt { font-weight:600; color:var(--muted); }
dl.facts dd { margin:0; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(320px, 1fr)); gap:1rem; align-items:start; }
.settings-form .row { display:flex; flex-direction:column; gap:.2rem; margin-bottom:.75rem; max-width:34rem; }
.settings-form fieldset { border:1px solid var(--line); border-radius:8px; margin:0 0 1rem; padding:.75rem 1rem; }
.settings-form legend { font-weight:700; padding:0 .3rem; }
.hint { font-size:.85rem; color:var(--muted); font-weight:400; }
.copy-row { display:flex; gap:.4rem; align-items:center; margin:.3rem 0; }
.copy-row input { flex:1; font-family:ui-monospace, monospace; font-size:.85rem; }
.errors { color:var(--bad); }
meter { width:200px; height:.9rem; vertical-align:middle; }
.pager { margin-top:.75rem; display:flex; gap:1rem; }
.login { max-width:26rem; margin:4rem auto; }
.login input { width:100%; }
.stats { display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:.75rem; margin:0 0 1rem; }
.stats div { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.6rem .8rem; }
.stats dt { font-size:.8rem; color:var(--muted); font-weight:600; }
.stats dd { margin:0; font-size:1.4rem; font-weight:700; font-variant-numeric:tabular-nums; }
code { font-family:ui-monospace, monospace; font-size:.85em; background:#eef1f4; padding:.05rem .3rem; border-radius:4px; }
`;
