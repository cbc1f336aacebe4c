/**
 * The status page's HTML, CSS and script (plain DOM, canvas chart, socket.io client served by the
 * socket.io server at /socket.io/socket.io.min.js). Everything from the server is written with
 * textContent, never as HTML. Durations, the time left and the event lines come from
 * page-helpers.ts, whose compiled source is put into the script as it is.
 */
import { describeEvent, formatDuration, PrintTimeEstimator, TimeEstimationHelper } from './page-helpers.js';

const HELPERS = [formatDuration, TimeEstimationHelper, PrintTimeEstimator, describeEvent].map((helper) => helper.toString()).join('\n');

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cuttle</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #222; }
  header { background: #234; color: #fff; padding: .6em 1em; display: flex; gap: 1em; align-items: center; }
  header h1 { font-size: 1.2em; margin: 0; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 1em; padding: 1em; }
  section { background: #fff; border-radius: 6px; padding: .8em 1em; box-shadow: 0 1px 2px #0002; }
  h2 { font-size: 1em; margin: 0 0 .5em; }
  #progress-bar { height: 14px; background: #dde; border-radius: 7px; overflow: hidden; }
  #progress-fill { height: 100%; width: 0; background: #3a7; transition: width .3s; }
  #events { font-size: 13px; height: 260px; overflow-y: auto; overflow-x: hidden; margin: 0; padding: 0; list-style: none; }
  #events li { border-bottom: 1px solid #eee; padding: 3px 0; display: flex; gap: .6em; }
  #events .when { color: #777; font-variant-numeric: tabular-nums; flex: none; }
  #events .what { flex: none; font-weight: 600; width: 9em; overflow-wrap: anywhere; }
  #events .text { min-width: 0; overflow-wrap: anywhere; }
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
  <h1>cuttle</h1>
  <span id="conn" class="wait">enter your API key</span>
  <form id="key-form" style="margin-left:auto">
    <input id="key" type="password" placeholder="API key" size="34" autocomplete="off">
    <button type="submit">Connect</button>
  </form>
</header>
<main>
  <section id="key-needed">
    <h2 id="key-title">Enter your API key</h2>
    <p id="key-reason">This page shows the printer only to those who hold a key. Type it in the field at the top
    right and press Connect (it is kept in this browser).</p>
    <p class="muted">The host's key is <code>api.key</code> in <code>~/.cuttle/config.yaml</code> (it is logged once
    at first start); a key of your own: <code>npx cuttle user key NAME</code>.</p>
  </section>
  <section id="printer">
    <h2>Printer</h2>
    <dl class="facts">
      <dt>State</dt><dd><b id="state">unknown</b></dd>
      <dt>Job</dt><dd id="job" class="muted">none</dd>
      <dt>Progress</dt><dd id="completion">–</dd>
      <dt>Elapsed</dt><dd id="elapsed">–</dd>
      <dt>Time left</dt><dd id="time-left">–</dd>
      <dt>Z</dt><dd id="z">–</dd>
    </dl>
    <div id="progress-bar"><div id="progress-fill"></div></div>
    <p><button id="connect-printer" type="button">Connect printer</button></p>
  </section>
  <section>
    <h2>Temperatures</h2>
    <div id="temps" class="muted">no data</div>
    <canvas id="chart" width="600" height="200"></canvas>
  </section>
  <section>
    <h2>Upload and print</h2>
    <form id="upload-form">
      <input id="file" type="file" name="file" accept=".gcode,.gco,.g,.stl">
      <label><input id="print" type="checkbox" checked> start printing</label>
      <button type="submit">Upload</button>
    </form>
    <p id="upload-result" class="muted"></p>
  </section>
  <section>
    <h2>Application key requests</h2>
    <ul id="appkeys" class="plain"><li class="muted">none pending</li></ul>
  </section>
  <section>
    <h2>Events <span id="event-count" class="muted">0</span></h2>
    <ul id="events"></ul>
  </section>
</main>
<script src="/socket.io/socket.io.min.js"></script>
<script>
(function () {
  'use strict';
${HELPERS}
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var apikey = params.get('apikey') || localStorage.getItem('cuttle.apikey') || '';
  var lastSeq;
  var socket;
  var temps = [];
  var eventCount = 0;
  var estimator = null, estimatorJob = null, lastPrintTime = null;
  var ORIGINS = { analysis: 'from the file analysis', 'mixed-analysis': 'analysis and progress', average: 'from past prints', 'mixed-average': 'past prints and progress', estimate: 'from progress', linear: 'linear' };
  var COLORS = ['#d33', '#36c', '#393', '#c6c', '#c93'];
  $('key').value = apikey;

  // no key, or one the server refused: say so, point at the field, and do not retry with it
  function askForKey(title, reason) {
    setConn(title, 'wait');
    $('key-title').textContent = title.charAt(0).toUpperCase() + title.slice(1);
    if (reason) $('key-reason').textContent = reason;
    $('key-needed').hidden = false;
    $('key').classList.add('wanted');
    $('key').focus();
  }
  function connect() {
    if (socket) socket.close();
    socket = io({ auth: function (cb) { cb(lastSeq === undefined ? { apikey: apikey } : { apikey: apikey, lastSeq: lastSeq }); } });
    socket.on('connect', function () {
      setConn('connected', 'ok'); $('key-needed').hidden = true; $('key').classList.remove('wanted'); loadAppKeyRequests();
    });
    socket.on('disconnect', function () { setConn('disconnected: reconnecting…', 'bad'); });
    socket.on('connect_error', function (err) {
      // an authentication refusal will not get better by retrying with the same key
      if ((err.data && err.data.status === 403) || /forbidden/i.test(err.message)) {
        socket.close();
        askForKey('key refused: enter a valid API key', 'The server refused this key (' + ((err.data && err.data.error) || err.message) + '). Check it and press Connect again.');
      } else setConn('cannot reach the server: ' + err.message, 'bad');
    });
    socket.on('history', function (data) { temps = (data.temps || []).slice(-600); showState(data); drawChart(); });
    socket.on('current', function (data) { temps = temps.concat(data.temps || []).slice(-600); showState(data); drawChart(); });
    socket.on('event', function (e) { lastSeq = e.seq; addLog(e.type, describeEvent(e.type, e.payload), JSON.stringify(e.payload), e.seq); });
    socket.on('gap', function (g) { if (g.to) lastSeq = g.to; addLog('gap', 'events ' + g.from + '..' + g.to + ' are no longer kept'); });
    socket.on('plugin', function (m) {
      addLog('plugin ' + m.plugin, describeEvent('', m.data && typeof m.data === 'object' ? m.data : { data: m.data }), JSON.stringify(m.data));
      if (m.plugin === 'appkeys') loadAppKeyRequests();
    });
    socket.on('slicingProgress', function (p) { $('upload-result').textContent = 'slicing ' + p.source_path + ': ' + Math.round(p.progress) + '%'; });
  }
  function setConn(text, kind) { var c = $('conn'); c.textContent = text; c.className = kind; }
  function showState(d) {
    $('state').textContent = d.state ? d.state.text : 'unknown';
    $('state').dataset.flags = d.state ? JSON.stringify(d.state.flags) : '';
    var file = d.job && d.job.file && d.job.file.name;
    $('job').textContent = file || 'none';
    var c = d.progress && d.progress.completion;
    $('completion').textContent = c === null || c === undefined ? '–' : c.toFixed(1) + ' %';
    $('completion').dataset.value = c === null || c === undefined ? '' : String(c);
    $('progress-fill').style.width = (c || 0) + '%';
    showTimes(d);
    $('z').textContent = d.currentZ == null ? '–' : d.currentZ.toFixed(2) + ' mm';
    $('z').dataset.value = d.currentZ == null ? '' : String(d.currentZ);
    var last = temps[temps.length - 1];
    if (last) {
      $('temps').textContent = Object.keys(last).filter(function (k) { return k !== 'time'; }).map(function (k) {
        return k + ' ' + last[k].actual.toFixed(1) + (last[k].target != null ? ' / ' + last[k].target : '') + ' °C';
      }).join('   ');
    }
  }
  // time left: OctoPrint's estimator over the job's analysis and the progress, one per job run
  function showTimes(d) {
    var t = d.progress || {}, job = d.job || {}, flags = (d.state && d.state.flags) || {};
    var key = job.file && job.file.path ? job.file.origin + ':' + job.file.path : null;
    if (key !== estimatorJob || t.printTime == null || (lastPrintTime != null && t.printTime < lastPrintTime)) { estimator = new PrintTimeEstimator(); estimatorJob = key; }
    lastPrintTime = t.printTime;
    $('elapsed').textContent = formatDuration(t.printTime);
    $('elapsed').dataset.seconds = t.printTime == null ? '' : String(t.printTime);
    var active = flags.printing || flags.paused || flags.pausing || flags.cancelling;
    var stats = job.estimatedPrintTime != null ? job.estimatedPrintTime : null;
    var result = active ? estimator.estimate(t.completion == null ? null : t.completion / 100, t.printTime, stats, 'analysis') : { left: null, origin: null };
    var text = !active ? (stats != null ? 'about ' + formatDuration(stats) + ' (analysis)' : '–')
      : result.left == null ? 'estimating…' : formatDuration(result.left) + ' (' + (ORIGINS[result.origin] || result.origin) + ')';
    $('time-left').textContent = text;
    $('time-left').dataset.seconds = result.left == null ? '' : String(result.left);
    $('time-left').dataset.origin = result.origin || '';
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
  }
  // pending application-key requests (apps asking for a key), each with Allow and Deny
  function loadAppKeyRequests() {
    api('GET', '/api/plugin/appkeys?all').then(function (r) { showAppKeyRequests(r.pending || []); })
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
          api('POST', '/plugin/appkeys/decision/' + encodeURIComponent(p.user_token), { decision: choice[1] })
            .then(function () { addLog('appkeys', 'application key for ' + p.app_id + (choice[1] ? ' granted' : ' denied')); })
            .catch(function (err) { addLog('appkeys', 'decision failed: ' + err.message); })
            .then(loadAppKeyRequests);
        });
        li.appendChild(button);
      });
      list.appendChild(li);
    });
  }
  function addLog(what, text, detail, seq) {
    var li = document.createElement('li');
    var when = document.createElement('span'); when.className = 'when'; when.textContent = new Date().toLocaleTimeString();
    var name = document.createElement('span'); name.className = 'what'; name.textContent = what;
    var body = document.createElement('span'); body.className = 'text'; body.textContent = text;
    if (detail) li.title = (seq != null ? '#' + seq + ' ' : '') + detail;
    li.appendChild(when); li.appendChild(name); li.appendChild(body);
    var list = $('events'); list.insertBefore(li, list.firstChild);
    while (list.children.length > 200) list.removeChild(list.lastChild);
    $('event-count').textContent = String(++eventCount);
  }
  function api(method, url, body) {
    var headers = { 'X-Api-Key': apikey };
    if (body && !(body instanceof FormData)) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(body); }
    return fetch(url, { method: method, headers: headers, body: body }).then(function (r) {
      return r.text().then(function (t) { if (!r.ok) throw new Error(r.status + ' ' + t); return t ? JSON.parse(t) : {}; });
    });
  }
  $('key-form').addEventListener('submit', function (e) {
    e.preventDefault(); apikey = $('key').value.trim(); localStorage.setItem('cuttle.apikey', apikey); lastSeq = undefined;
    if (apikey) connect(); else { if (socket) socket.close(); askForKey('enter your API key'); }
  });
  $('connect-printer').addEventListener('click', function () {
    api('POST', '/api/connection', { command: 'connect' }).catch(function (err) { addLog('connect', 'failed: ' + err.message); });
  });
  $('upload-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var file = $('file').files[0];
    if (!file) return;
    var form = new FormData(); form.append('file', file, file.name);
    if ($('print').checked) { form.append('select', 'true'); form.append('print', 'true'); }
    $('upload-result').textContent = 'uploading ' + file.name + '…';
    // the name the server stored, which is the one the list and the events show
    api('POST', '/api/files/local', form).then(function (r) { $('upload-result').textContent = 'uploaded ' + ((r.files && r.files.local && r.files.local.path) || file.name); })
      .catch(function (err) { $('upload-result').textContent = 'upload failed: ' + err.message; });
  });
  if (apikey) connect(); else askForKey('enter your API key');
})();
</script>
</body>
</html>
`;
