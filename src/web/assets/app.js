// recall: keys for the pages, which all work without this script.
(function () {
  'use strict';
  function click(selector) {
    var el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    var typing = t && (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' ||
      (t.tagName === 'INPUT' && t.type !== 'radio' && t.type !== 'checkbox'));
    if (typing) { return; }
    var k = e.key;
    if (k === '?') {
      var help = document.getElementById('keys-help');
      if (help) { help.hidden = !help.hidden; }
      e.preventDefault();
      return;
    }
    if (k === 'Escape') {
      var h = document.getElementById('keys-help');
      if (h && !h.hidden) { h.hidden = true; e.preventDefault(); }
      return;
    }
    if (k === ' ' || k === 'Enter') {
      // A focused button or link does its own thing.
      if (t && (t.tagName === 'BUTTON' || t.tagName === 'A')) { return; }
      if (click('[data-key="space"]')) { e.preventDefault(); }
      return;
    }
    if (/^[1-4]$/.test(k)) {
      if (click('button[data-grade="' + k + '"]')) { e.preventDefault(); }
      return;
    }
    if (k === 't' || k === 'f') {
      if (click('button[data-key="' + k + '"]')) { e.preventDefault(); return; }
    }
    if (/^[a-z]$/.test(k)) {
      var opt = document.querySelector('input[data-letter="' + k + '"]');
      if (!opt) { return; }
      e.preventDefault();
      if (opt.type === 'radio') {
        opt.checked = true;
        if (opt.form) { opt.form.requestSubmit ? opt.form.requestSubmit() : opt.form.submit(); }
      } else {
        opt.checked = !opt.checked;
        opt.focus();
      }
    }
  });
  // A typed answer box takes the focus, so the learner can type at once.
  window.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('input[data-autofocus]');
    if (box) { box.focus(); }
    var c = document.getElementById('countdown');
    if (!c) { return; }
    var deadline = Number(c.dataset.deadline);
    var offset = Number(c.dataset.now) - Date.now();
    var reloaded = false;
    function tick() {
      var ms = Math.max(0, deadline - (Date.now() + offset));
      var s = Math.ceil(ms / 1000);
      c.textContent = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0') + ' left';
      if (ms === 0 && !reloaded) {
        reloaded = true;
        c.textContent = 'Time is up';
        window.location.assign('/exam');
      }
    }
    tick();
    setInterval(tick, 500);
  });
}());
