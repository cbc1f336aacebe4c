/**
 * The farm page's HTML, CSS and script (plain DOM, canvas chart). One document, two views chosen by
 * the server in `<html data-view>`: `farm` at the main port's root (a card per printer, live over the
 * root socket.io, which carries every printer's messages with `printer: <id>`), and `printer` at
 * `/printer/<id>/` or a printer's own listen port (its chart, terminal log and events over that
 * printer's own OctoPrint socket, `sockjs/websocket`). Every URL the page uses is relative, so the
 * printer view works under any base. Everything from the server is written with textContent, never
 * as HTML. Durations, time left, temperatures and event lines come from page-helpers.ts, whose
 * compiled source is put into the script as it is.
 */
import { describeEvent, describeTemperatures, formatDuration, PrintClock, PrintTimeEstimator, TimeEstimationHelper, timeLeftText } from './page-helpers.js';

const HELPERS = [formatDuration, TimeEstimationHelper, PrintTimeEstimator, PrintClock, timeLeftText, describeTemperatures, describeEvent].map((helper) => helper.toString()).join('\n');

/** What the server marks the document with: `<html data-view=…>`. */
export type PageView = { kind: 'farm' } | { kind: 'printer'; id: string };

const HEAD = `<!doctype html>
<html lang="en" `;

const BODY = `>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cuttle</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #222; }
  header { background: #234; color: #fff; padding: .6em 1em; display: flex; gap: 1em; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 1.2em; margin: 0; }
  header a { color: #adf; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 1em; padding: 1em; }
  section { background: #fff; border-radius: 6px; padding: .8em 1em; box-shadow: 0 1px 2px #0002; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  html[data-view=farm] .printer-only, html[data-view=printer] .farm-only { display: none !important; }
  h2 { font-size: 1em; margin: 0 0 .5em; }
  .bar { height: 14px; background: #dde; border-radius: 7px; overflow: hidden; }
  .fill { height: 100%; width: 0; background: #3a7; transition: width .3s; }
  #cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: .8em; }
  .card { border: 1px solid #dde; border-radius: 6px; padding: .6em .8em; cursor: pointer; display: flex; flex-direction: column; gap: .35em; }
  .card:hover { border-color: #89b; background: #fafbff; }
  .card h3 { font-size: 1em; margin: 0; display: flex; justify-content: space-between; gap: .5em; }
  .card h3 a { color: inherit; text-decoration: none; overflow-wrap: anywhere; }
  .card .state { font-weight: 600; }
  .card[data-kind=printing] .state { color: #275; } .card[data-kind=error] .state { color: #c33; } .card[data-kind=offline] .state { color: #777; }
  .card .job, .card .temps, .card .progress { font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
  .card .connect[hidden] { display: none; }
  #events { font-size: 13px; height: 260px; overflow-y: auto; overflow-x: hidden; margin: 0; padding: 0; list-style: none; }
  #events li { border-bottom: 1px solid #eee; padding: 3px 0; display: flex; gap: .6em; }
  #events .when { color: #777; font-variant-numeric: tabular-nums; flex: none; }
  #events .who { flex: none; color: #36c; max-width: 8em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #events .what { flex: none; font-weight: 600; width: 9em; overflow-wrap: anywhere; }
  #events .text { min-width: 0; overflow-wrap: anywhere; }
  #terminal { font: 12px ui-monospace, monospace; height: 260px; overflow: auto; margin: 0; padding: .3em; list-style: none; background: #111; color: #ddd; border-radius: 4px; }
  #terminal li { white-space: pre-wrap; overflow-wrap: anywhere; }
  #terminal li.send { color: #9cf; }
  #key-needed { grid-column: 1 / -1; background: #fff7d6; border: 1px solid #e6c65c; }
  #key-needed[hidden] { display: none; }
  #key-needed code { background: #0001; padding: 0 .2em; border-radius: 3px; }
  header input.wanted { outline: 3px solid #fc3; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25em 1em; margin: 0 0 .6em; }
  dl.facts dt { color: #555; } dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
  canvas { width: 100%; height: 200px; }
  .muted { color: #777; }
  #conn.ok { color: #7d7; } #conn.bad { color: #f88; } #conn.wait { color: #fc3; }
  ul.plain { list-style: none; margin: 0; padding: 0; }
  #appkeys li { padding: 3px 0; }
</style>
</head>
<body>
<header>
  <h1><span class="farm-only">cuttle</span><span class="printer-only"><a id="farm-link" href="../../">cuttle</a> · <span id="printer-name"></span></span></h1>
  <span id="conn" class="wait">enter your API key</span>
  <form id="key-form" style="margin-left:auto">
    <input id="key" type="password" placeholder="API key" size="34" autocomplete="off">
    <button type="submit">Connect</button>
  </form>
</header>
<main>
  <section id="key-needed">
    <h2 id="key-title">Enter your API key</h2>
    <p id="key-reason">This page shows the printers only to those who hold a key. Type it in the field at the top
    right and press Connect (it is kept in this browser).</p>
    <p class="muted">The host's key is <code>api.key</code> in <code>~/.cuttle/config.yaml</code> (it is logged once
    at first start); a key of your own: <code>npx cuttle user key NAME</code>.</p>
  </section>
  <section class="farm-only wide">
    <h2>Printers <span id="printer-count" class="muted"></span></h2>
    <div id="cards"><p class="muted">no data</p></div>
  </section>
  <section id="printer" class="printer-only">
    <h2>Printer</h2>
    <dl class="facts">
      <dt>State</dt><dd><b id="state">unknown</b></dd>
      <dt>Job</dt><dd id="job" class="muted">none</dd>
      <dt>Progress</dt><dd id="completion">–</dd>
      <dt>Elapsed</dt><dd id="elapsed">–</dd>
      <dt>Time left</dt><dd id="time-left">–</dd>
      <dt>Z</dt><dd id="z">–</dd>
    </dl>
    <div class="bar"><div id="progress-fill" class="fill"></div></div>
    <p><button id="connect-printer" type="button">Connect printer</button></p>
  </section>
  <section class="printer-only">
    <h2>Temperatures</h2>
    <div id="temps" class="muted">no data</div>
    <canvas id="chart" width="600" height="200"></canvas>
  </section>
  <section class="printer-only">
    <h2>Terminal <span id="terminal-count" class="muted">0</span></h2>
    <ul id="terminal"></ul>
  </section>
  <section>
    <h2>Upload and print</h2>
    <form id="upload-form">
      <p class="farm-only"><label>Printer <select id="upload-printer"></select></label></p>
      <input id="file" type="file" name="file" accept=".gcode,.gco,.g">
      <label><input id="print" type="checkbox" checked> start printing</label>
      <button type="submit">Upload</button>
    </form>
    <p id="upload-result" class="muted"></p>
  </section>
  <section class="farm-only">
    <h2>Application key requests</h2>
    <ul id="appkeys" class="plain"><li class="muted">none pending</li></ul>
  </section>
  <section>
    <h2>Events <span id="event-count" class="muted">0</span></h2>
    <ul id="events"></ul>
  </section>
</main>
<script>
(function () {
  'use strict';
${HELPERS}
  var $ = function (id) { return document.getElementById(id); };
  var VIEW = document.documentElement.dataset.view === 'printer' ? 'printer' : 'farm';
  var PRINTER = document.documentElement.dataset.printer || null;
  var params = new URLSearchParams(location.search);
  var apikey = params.get('apikey') || sessionStorage.getItem('cuttle.apikey') || localStorage.getItem('cuttle.apikey') || '';
  var ORIGINS = { analysis: 'from the file analysis', 'mixed-analysis': 'analysis and progress', average: 'from past prints', 'mixed-average': 'past prints and progress', estimate: 'from progress', linear: 'linear' };
  var COLORS = ['#d33', '#36c', '#393', '#c6c', '#c93'];
  var MAX_TERMINAL = 500, MAX_EVENTS = 200, MAX_TEMPS = 600;
  var eventCount = 0;
  var names = {};
  var stop = function () {};
  $('key').value = apikey;

  function setConn(text, kind) { var c = $('conn'); c.textContent = text; c.className = kind; }
  // no key, or one the server refused: say so, point at the field, and do not retry with it
  function askForKey(title, reason) {
    stop();
    setConn(title, 'wait');
    $('key-title').textContent = title.charAt(0).toUpperCase() + title.slice(1);
    if (reason) $('key-reason').textContent = reason;
    $('key-needed').hidden = false;
    $('key').classList.add('wanted');
    $('key').focus();
  }
  function keyAccepted() {
    setConn('connected', 'ok'); $('key-needed').hidden = true; $('key').classList.remove('wanted');
    // kept for this tab, so the printer pages this page links to know it too
    sessionStorage.setItem('cuttle.apikey', apikey);
  }
  function api(method, url, body) {
    var headers = { 'X-Api-Key': apikey };
    if (body && !(body instanceof FormData)) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(body); }
    return fetch(url, { method: method, headers: headers, body: body }).then(function (r) {
      return r.text().then(function (t) {
        if (!r.ok) { var e = new Error(r.status + ' ' + t); e.status = r.status; throw e; }
        return t ? JSON.parse(t) : {};
      });
    });
  }
  function addLog(what, text, detail, seq, who) {
    var li = document.createElement('li');
    var when = document.createElement('span'); when.className = 'when'; when.textContent = new Date().toLocaleTimeString();
    li.appendChild(when);
    if (VIEW === 'farm') { var by = document.createElement('span'); by.className = 'who'; by.textContent = who || ''; li.appendChild(by); }
    var name = document.createElement('span'); name.className = 'what'; name.textContent = what;
    var body = document.createElement('span'); body.className = 'text'; body.textContent = text;
    if (detail) li.title = (seq != null ? '#' + seq + ' ' : '') + detail;
    li.appendChild(name); li.appendChild(body);
    var list = $('events'); list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_EVENTS) list.removeChild(list.lastChild);
    $('event-count').textContent = String(++eventCount);
  }
  function showEvent(e) { addLog(e.type, describeEvent(e.type, e.payload), JSON.stringify(e.payload), e.seq, e.printer ? names[e.printer] || e.printer : ''); }
  function percent(c) { return c === null || c === undefined ? '–' : c.toFixed(1) + ' %'; }
  function pathUrl(path) { return path.split('/').map(encodeURIComponent).join('/'); }
  // one printer's base, relative to this page: the farm reaches printer p2 at printer/p2/, a printer page is its own base
  function printerBase(id) { return VIEW === 'printer' ? '' : 'printer/' + encodeURIComponent(id) + '/'; }

  // ---- the farm: a card per printer, from GET api/printers, then live from socket.io's current messages
  var cards = {}, order = [], socket, lastSeq, reloading = null;
  function loadPrinters() {
    if (reloading) return reloading;
    reloading = api('GET', 'api/printers').then(function (r) { reloading = null; syncCards(r.printers || []); })
      .catch(function (err) { reloading = null; if (err.status === 403) askForKey('key refused: enter a valid API key', 'The server refused this key (' + err.message + ').'); });
    return reloading;
  }
  function syncCards(list) {
    var box = $('cards'), seen = {};
    if (!order.length) box.textContent = '';
    list.forEach(function (p) { seen[p.id] = true; names[p.id] = p.name; var c = cards[p.id] || makeCard(p.id); c.name.textContent = p.name; showCard(c, p); if (p.temperatures) c.temps.textContent = describeTemperatures(p.temperatures); });
    order.filter(function (id) { return !seen[id]; }).forEach(function (id) { box.removeChild(cards[id].root); delete cards[id]; });
    order = list.map(function (p) { return p.id; });
    order.forEach(function (id) { box.appendChild(cards[id].root); });
    if (!order.length) { var none = document.createElement('p'); none.className = 'muted'; none.textContent = 'no printers: add one with POST /api/printers or npx cuttle printers add'; box.appendChild(none); }
    $('printer-count').textContent = String(order.length);
    var select = $('upload-printer'), chosen = select.value;
    select.textContent = '';
    order.forEach(function (id) { var o = document.createElement('option'); o.value = id; o.textContent = names[id]; select.appendChild(o); });
    if (cards[chosen]) select.value = chosen;
  }
  function makeCard(id) {
    var root = document.createElement('article'); root.className = 'card'; root.dataset.printer = id;
    var h = document.createElement('h3'), link = document.createElement('a'), state = document.createElement('span');
    link.href = printerBase(id); state.className = 'state'; state.textContent = 'unknown';
    h.appendChild(link); h.appendChild(state); root.appendChild(h);
    var c = { id: id, root: root, name: link, state: state, clock: new PrintClock() };
    ['job', 'bar', 'progress', 'temps'].forEach(function (part) { var d = document.createElement('div'); d.className = part; root.appendChild(d); c[part] = d; });
    c.fill = document.createElement('div'); c.fill.className = 'fill'; c.bar.appendChild(c.fill);
    c.connect = document.createElement('button'); c.connect.type = 'button'; c.connect.className = 'connect'; c.connect.textContent = 'Connect'; c.connect.hidden = true;
    c.connect.addEventListener('click', function (e) {
      e.stopPropagation();
      api('POST', printerBase(id) + 'api/connection', { command: 'connect' }).catch(function (err) { addLog('connect', 'failed: ' + err.message, null, null, names[id]); });
    });
    root.appendChild(c.connect);
    // the whole card opens the printer's page (its name is the link for keyboards and new tabs)
    root.addEventListener('click', function (e) { if (e.target.closest('a, button')) return; location.href = link.href; });
    cards[id] = c;
    return c;
  }
  function showCard(c, d) {
    var flags = (d.state && d.state.flags) || {};
    c.state.textContent = d.state ? d.state.text : 'unknown';
    c.root.dataset.state = c.state.textContent;
    c.root.dataset.kind = flags.printing || flags.paused || flags.pausing || flags.cancelling ? 'printing' : flags.error ? 'error' : flags.operational ? 'operational' : 'offline';
    c.connect.hidden = !flags.closedOrError;
    var file = d.job && d.job.file && d.job.file.name;
    c.job.textContent = file || 'no job';
    var completion = d.progress && d.progress.completion;
    c.root.dataset.completion = completion == null ? '' : String(completion);
    c.fill.style.width = (completion || 0) + '%';
    var reading = c.clock.update(d);
    c.root.dataset.timeLeft = reading.left == null ? '' : String(reading.left);
    var time = timeLeftText(reading);
    c.progress.textContent = completion == null ? time : percent(completion) + (time ? ' · ' + time : '');
  }
  // before the farm push lands a message may come without printer: the root's, which is the first printer's
  function cardOf(m) { var id = m.printer || order[0]; var c = id && cards[id]; if (!c && m.printer) loadPrinters(); return c; }
  function connectFarm() {
    if (socket) socket.close();
    socket = io({ auth: function (cb) { cb(lastSeq === undefined ? { apikey: apikey } : { apikey: apikey, lastSeq: lastSeq }); } });
    stop = function () { if (socket) socket.close(); };
    socket.on('connect', function () {
      keyAccepted(); loadPrinters(); loadAppKeyRequests();
      // the cards need state, not every printer's terminal
      socket.emit('subscribe', { state: { logs: false, messages: false }, events: true, plugins: true });
    });
    socket.on('disconnect', function () { setConn('disconnected: reconnecting…', 'bad'); });
    socket.on('connect_error', function (err) {
      // an authentication refusal will not get better by retrying with the same key
      if ((err.data && err.data.status === 403) || /forbidden/i.test(err.message)) {
        socket.close();
        askForKey('key refused: enter a valid API key', 'The server refused this key (' + ((err.data && err.data.error) || err.message) + '). Check it and press Connect again.');
      } else setConn('cannot reach the server: ' + err.message, 'bad');
    });
    var onState = function (m) {
      var c = cardOf(m); if (!c) return;
      showCard(c, m);
      var last = m.temps && m.temps[m.temps.length - 1];
      if (last) c.temps.textContent = describeTemperatures(last);
    };
    socket.on('history', onState);
    socket.on('current', onState);
    socket.on('event', function (e) {
      lastSeq = e.seq; showEvent(e);
      if (e.type === 'PrinterAdded' || e.type === 'PrinterRemoved') loadPrinters();
    });
    socket.on('gap', function (g) { if (g.to) lastSeq = g.to; addLog('gap', 'events ' + g.from + '..' + g.to + ' are no longer kept'); });
    socket.on('plugin', function (m) {
      addLog('plugin ' + m.plugin, describeEvent('', m.data && typeof m.data === 'object' ? m.data : { data: m.data }), JSON.stringify(m.data));
      if (m.plugin === 'appkeys') loadAppKeyRequests();
    });
    socket.on('slicingProgress', function (p) { $('upload-result').textContent = 'slicing ' + p.source_path + ': ' + Math.round(p.progress) + '%'; });
  }
  function startFarm() {
    // socket.io's client, served by the socket.io server; loaded only by the farm view
    if (window.io) return connectFarm();
    var script = document.createElement('script');
    script.src = 'socket.io/socket.io.min.js';
    script.onload = connectFarm;
    script.onerror = function () { setConn('cannot load the push client', 'bad'); };
    document.head.appendChild(script);
  }

  // pending application-key requests (apps asking for a key), each with Allow and Deny
  function loadAppKeyRequests() {
    api('GET', 'api/plugin/appkeys?all').then(function (r) { showAppKeyRequests(r.pending || []); })
      .catch(function () { showAppKeyRequests([]); });
  }
  function showAppKeyRequests(pending) {
    var list = $('appkeys');
    list.textContent = '';
    if (!pending.length) {
      var none = document.createElement('li'); none.className = 'muted'; none.textContent = 'none pending'; list.appendChild(none);
      return;
    }
    pending.forEach(function (p) {
      var li = document.createElement('li');
      li.dataset.token = p.user_token;
      var label = document.createElement('span');
      label.textContent = p.app_id + (p.user_id ? ' (for ' + p.user_id + ')' : '') + ' ';
      li.appendChild(label);
      [['Allow', true], ['Deny', false]].forEach(function (choice) {
        var button = document.createElement('button');
        button.type = 'button'; button.textContent = choice[0]; button.className = choice[1] ? 'allow' : 'deny';
        button.addEventListener('click', function () {
          api('POST', 'plugin/appkeys/decision/' + encodeURIComponent(p.user_token), { decision: choice[1] })
            .then(function () { addLog('appkeys', 'application key for ' + p.app_id + (choice[1] ? ' granted' : ' denied')); })
            .catch(function (err) { addLog('appkeys', 'decision failed: ' + err.message); })
            .then(loadAppKeyRequests);
        });
        li.appendChild(button);
      });
      list.appendChild(li);
    });
  }

  // ---- one printer: its OctoPrint socket (sockjs/websocket, relative), chart, terminal and events
  var temps = [], clock = new PrintClock(), ws = null, retry = 0, retryTimer = null, terminalCount = 0;
  function showState(d) {
    $('state').textContent = d.state ? d.state.text : 'unknown';
    $('state').dataset.flags = d.state ? JSON.stringify(d.state.flags) : '';
    var file = d.job && d.job.file && d.job.file.name;
    $('job').textContent = file || 'none';
    var c = d.progress && d.progress.completion;
    $('completion').textContent = percent(c);
    $('completion').dataset.value = c === null || c === undefined ? '' : String(c);
    $('progress-fill').style.width = (c || 0) + '%';
    var reading = clock.update(d);
    $('elapsed').textContent = formatDuration(reading.elapsed);
    $('elapsed').dataset.seconds = reading.elapsed == null ? '' : String(reading.elapsed);
    $('time-left').textContent = !reading.active ? (reading.analysed != null ? 'about ' + formatDuration(reading.analysed) + ' (analysis)' : '–')
      : reading.left == null ? 'estimating…' : formatDuration(reading.left) + ' (' + (ORIGINS[reading.origin] || reading.origin) + ')';
    $('time-left').dataset.seconds = reading.left == null ? '' : String(reading.left);
    $('time-left').dataset.origin = reading.origin || '';
    $('z').textContent = d.currentZ == null ? '–' : d.currentZ.toFixed(2) + ' mm';
    $('z').dataset.value = d.currentZ == null ? '' : String(d.currentZ);
    var last = temps[temps.length - 1];
    if (last) $('temps').textContent = describeTemperatures(last);
  }
  function addTerminal(lines) {
    if (!lines || !lines.length) return;
    var list = $('terminal'), atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    lines.forEach(function (line) {
      var li = document.createElement('li'); li.textContent = line; if (line.indexOf('>>>') === 0) li.className = 'send';
      list.appendChild(li);
    });
    while (list.children.length > MAX_TERMINAL) list.removeChild(list.firstChild);
    terminalCount += lines.length;
    $('terminal-count').textContent = String(terminalCount);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }
  function drawChart() {
    var canvas = $('chart'), g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (temps.length < 2) return;
    var heaters = Object.keys(temps[temps.length - 1]).filter(function (k) { return k !== 'time'; });
    var t0 = temps[0].time, t1 = temps[temps.length - 1].time || t0 + 1, max = 50;
    temps.forEach(function (p) { heaters.forEach(function (h) { if (p[h]) max = Math.max(max, p[h].actual, p[h].target || 0); }); });
    heaters.forEach(function (h, i) {
      g.strokeStyle = COLORS[i % COLORS.length]; g.beginPath();
      temps.forEach(function (p, j) {
        if (!p[h]) return;
        var x = (p.time - t0) / Math.max(1, t1 - t0) * canvas.width, y = canvas.height - p[h].actual / max * (canvas.height - 10);
        if (j === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke(); g.fillStyle = COLORS[i % COLORS.length]; g.fillText(h, 5 + i * 50, 12);
    });
    canvas.dataset.points = String(temps.length);
  }
  function onPrinterMessage(type, data) {
    if (type === 'history') {
      keyAccepted(); retry = 0;
      temps = (data.temps || []).slice(-MAX_TEMPS); $('terminal').textContent = ''; addTerminal(data.logs); showState(data); drawChart();
    } else if (type === 'current') {
      temps = temps.concat(data.temps || []).slice(-MAX_TEMPS); addTerminal(data.logs); showState(data); drawChart();
    } else if (type === 'event') showEvent(data);
    else if (type === 'reauthRequired') { if (ws) ws.close(); }
    else if (type === 'plugin' && data) addLog('plugin ' + data.plugin, describeEvent('', data.data && typeof data.data === 'object' ? data.data : { data: data.data }), JSON.stringify(data.data));
  }
  // OctoPrint's way in: a passive login turns the key into a session, the socket is authenticated with it
  function connectPrinter() {
    clearTimeout(retryTimer);
    stop();
    var closed = false;
    stop = function () { closed = true; clearTimeout(retryTimer); if (ws) { ws.onclose = null; ws.close(); ws = null; } };
    setConn('connecting…', 'wait');
    api('POST', 'api/login', { passive: true }).then(function (login) {
      if (closed) return;
      var url = new URL('sockjs/websocket', location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.search = '';
      ws = new WebSocket(url.href);
      ws.onmessage = function (e) {
        var m; try { m = JSON.parse(e.data); } catch (err) { return; }
        Object.keys(m).forEach(function (type) {
          if (type === 'connected') ws.send(JSON.stringify({ auth: login.name + ':' + login.session }));
          else onPrinterMessage(type, m[type]);
        });
      };
      ws.onclose = function () { ws = null; if (!closed) again(); };
    }).catch(function (err) {
      if (closed) return;
      if (err.status === 403) askForKey('key refused: enter a valid API key', 'The server refused this key (' + err.message + '). Check it and press Connect again.');
      else again();
    });
  }
  function again() {
    retry = Math.min(retry + 1, 5);
    setConn('disconnected: reconnecting…', 'bad');
    retryTimer = setTimeout(connectPrinter, retry * 1000);
  }
  function startPrinter() {
    $('printer-name').textContent = PRINTER || '';
    connectPrinter();
    // the printer's name and, at a listen port, where the farm is
    api('GET', 'api/printers').then(function (r) {
      (r.printers || []).forEach(function (p) { names[p.id] = p.name; });
      var me = (r.printers || []).filter(function (p) { return p.id === PRINTER; })[0];
      if (!me) return;
      $('printer-name').textContent = me.name; document.title = me.name + ' · cuttle';
      if (!/\\/printer\\/[^/]+\\/$/.test(location.pathname) && me.baseUrl) $('farm-link').href = new URL('../../', me.baseUrl).href;
    }).catch(function () { /* the page works without the name */ });
  }

  // ---- both views
  function start() {
    if (!apikey) return askForKey('enter your API key');
    if (VIEW === 'farm') startFarm(); else startPrinter();
  }
  $('key-form').addEventListener('submit', function (e) {
    e.preventDefault(); apikey = $('key').value.trim(); localStorage.setItem('cuttle.apikey', apikey); lastSeq = undefined;
    stop(); start();
  });
  $('connect-printer').addEventListener('click', function () {
    api('POST', 'api/connection', { command: 'connect' }).catch(function (err) { addLog('connect', 'failed: ' + err.message); });
  });
  // upload once (files are shared by every printer), then select and print on the chosen printer
  $('upload-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var file = $('file').files[0];
    if (!file) return;
    var target = VIEW === 'printer' ? PRINTER : $('upload-printer').value;
    var print = $('print').checked;
    var form = new FormData(); form.append('file', file, file.name);
    var result = $('upload-result');
    result.textContent = 'uploading ' + file.name + '…';
    api('POST', 'api/files/local', form).then(function (r) {
      var path = (r.files && r.files.local && r.files.local.path) || file.name;
      if (!print) { result.textContent = 'uploaded ' + path; return; }
      if (!target) { result.textContent = 'uploaded ' + path + '; no printer to print it on'; return; }
      result.textContent = 'uploaded ' + path + '; starting it on ' + (names[target] || target) + '…';
      return api('POST', printerBase(target) + 'api/files/local/' + pathUrl(path), { command: 'select', print: true })
        .then(function () { result.textContent = 'printing ' + path + ' on ' + (names[target] || target); })
        .catch(function (err) { result.textContent = 'uploaded ' + path + '; print failed: ' + err.message; });
    }).catch(function (err) { result.textContent = 'upload failed: ' + err.message; });
  });
  start();
})();
</script>
</body>
</html>
`;

/** The whole document for one view; `id` is a printer id (PRINTER_ID_PATTERN: nothing to escape). */
export function statusPageHtml(view: PageView): string {
  const marks = view.kind === 'farm' ? 'data-view="farm"' : `data-view="printer" data-printer="${view.id}"`;
  return HEAD + marks + BODY;
}
