// The console's one script, served from /ops/assets. Every page works without it; it adds:
// - live status: a region with data-live-src is re-fetched every data-live-seconds and its first child
//   swapped when data-version changed; paused while the tab is hidden, while focus is inside the region
//   (so a keyboard user's place is never lost), or when the user ticks "Pause";
// - copy buttons for the webhook URLs (shown only when the Clipboard API exists).
// Plain ES2017 in a string: the build compiles TypeScript only, and this is small.
export const SCRIPT = `
(function () {
  'use strict';
  function live(region) {
    var src = region.getAttribute('data-live-src');
    var seconds = Number(region.getAttribute('data-live-seconds')) || 10;
    var status = document.getElementById('live-status');
    var pause = document.getElementById('live-pause');
    var controls = document.getElementById('live-controls');
    if (controls) controls.hidden = false;
    var busy = false;
    var stopped = false;
    function say(text) { if (status) status.textContent = text; }
    function tick() {
      if (stopped || busy || document.hidden || (pause && pause.checked) || region.contains(document.activeElement)) return;
      busy = true;
      fetch(src, { credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } })
        .then(function (res) {
          if (res.status === 401) { stopped = true; say('Signed out: reload the page to sign in again.'); return null; }
          if (!res.ok) { say('Live update failed (' + res.status + '); retrying.'); return null; }
          return res.text();
        })
        .then(function (text) {
          if (text === null) return;
          var t = document.createElement('template');
          t.innerHTML = text;
          var next = t.content.firstElementChild;
          var current = region.firstElementChild;
          if (!next || !current) return;
          if (next.getAttribute('data-version') !== current.getAttribute('data-version')) {
            region.replaceChild(next, current);
            say('Updated at ' + new Date().toLocaleTimeString() + '.');
          }
        })
        .catch(function () { say('Live update failed; retrying.'); })
        .then(function () { busy = false; });
    }
    setInterval(tick, seconds * 1000);
  }
  function copyButtons() {
    if (!navigator.clipboard) return;
    Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (b) {
      b.hidden = false;
      b.addEventListener('click', function () {
        var input = document.getElementById(b.getAttribute('data-copy'));
        if (!input) return;
        navigator.clipboard.writeText(input.value).then(function () {
          var was = b.textContent;
          b.textContent = 'Copied';
          setTimeout(function () { b.textContent = was; }, 1500);
        });
      });
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-live-src]'), live);
    copyButtons();
  });
})();
`;
