/**
 * The status page's HTML, CSS and script (plain DOM, canvas chart, socket.io client served by the
 * socket.io server at /socket.io/socket.io.min.js). Everything from the server is written with
 * textContent, never as HTML.
 */
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
  #events { font: 12px monospace; height: 260px; overflow: auto; margin: 0; padding: 0; list-style: none; }
  #events li { border-bottom: 1px solid #eee; padding: 2px 0; }
  canvas { width: 100%; height: 200px; }
  .muted { color: #777; }
  #conn.ok { color: #7d7; } #conn.bad { color: #f88; }
  ul.plain { list-style: none; margin: 0; padding: 0; }
  #appkeys li { padding: 3px 0; }
</style>
</head>
<body>
<header>
  <h1>cuttle</h1>
  <span id="conn" class="bad">disconnected</span>
  <form id="key-form" style="margin-left:auto">
    <input id="key" type="password" placeholder="API key" size="34" autocomplete="off">
    <button type="submit">Connect</button>
  </form>
</header>
<main>
  <section>
    <h2>Printer</h2>
    <div>State: <b id="state">unknown</b></div>
    <div>Job: <span id="job" class="muted">none</span></div>
    <div>Progress: <span id="completion">–</span> <span id="times" class="muted"></span></div>
    <div id="progress-bar"><div id="progress-fill"></div></div>
    <div>Z: <span id="z">–</span></div>
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
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var apikey = params.get('apikey') || localStorage.getItem('cuttle.apikey') || '';
  var lastSeq;
  var socket;
  var temps = [];
  var eventCount = 0;
  var COLORS = ['#d33', '#36c', '#393', '#c6c', '#c93'];
  $('key').value = apikey;

  function connect() {
    if (socket) socket.close();
    socket = io({ auth: function (cb) { cb(lastSeq === undefined ? { apikey: apikey } : { apikey: apikey, lastSeq: lastSeq }); } });
    socket.on('connect', function () { setConn('connected', true); loadAppKeyRequests(); });
    socket.on('disconnect', function () { setConn('disconnected', false); });
    socket.on('connect_error', function (err) { setConn('refused: ' + err.message, false); });
    socket.on('history', function (data) { temps = (data.temps || []).slice(-600); showState(data); drawChart(); });
    socket.on('current', function (data) { temps = temps.concat(data.temps || []).slice(-600); showState(data); drawChart(); });
    socket.on('event', function (e) { lastSeq = e.seq; addLog('#' + e.seq + ' ' + e.type + ' ' + JSON.stringify(e.payload)); });
    socket.on('gap', function (g) { if (g.to) lastSeq = g.to; addLog('gap: events ' + g.from + '..' + g.to + ' are no longer kept'); });
    socket.on('plugin', function (m) {
      addLog('plugin ' + m.plugin + ': ' + JSON.stringify(m.data));
      if (m.plugin === 'appkeys') loadAppKeyRequests();
    });
    socket.on('slicingProgress', function (p) { $('upload-result').textContent = 'slicing ' + p.source_path + ': ' + Math.round(p.progress) + '%'; });
  }
  function setConn(text, ok) { var c = $('conn'); c.textContent = text; c.className = ok ? 'ok' : 'bad'; }
  function showState(d) {
    $('state').textContent = d.state ? d.state.text : 'unknown';
    $('state').dataset.flags = d.state ? JSON.stringify(d.state.flags) : '';
    var file = d.job && d.job.file && d.job.file.name;
    $('job').textContent = file || 'none';
    var c = d.progress && d.progress.completion;
    $('completion').textContent = c === null || c === undefined ? '–' : c.toFixed(1) + ' %';
    $('completion').dataset.value = c === null || c === undefined ? '' : String(c);
    $('progress-fill').style.width = (c || 0) + '%';
    var t = d.progress || {};
    $('times').textContent = t.printTime != null ? '(' + t.printTime + ' s elapsed' + (t.printTimeLeft != null ? ', ' + t.printTimeLeft + ' s left' : '') + ')' : '';
    $('z').textContent = d.currentZ == null ? '–' : String(d.currentZ);
    var last = temps[temps.length - 1];
    if (last) {
      $('temps').textContent = Object.keys(last).filter(function (k) { return k !== 'time'; }).map(function (k) {
        return k + ' ' + last[k].actual.toFixed(1) + (last[k].target != null ? ' / ' + last[k].target : '') + ' °C';
      }).join('   ');
    }
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
            .then(function () { addLog('application key for ' + p.app_id + (choice[1] ? ' granted' : ' denied')); })
            .catch(function (err) { addLog('decision failed: ' + err.message); })
            .then(loadAppKeyRequests);
        });
        li.appendChild(button);
      });
      list.appendChild(li);
    });
  }
  function addLog(text) {
    var li = document.createElement('li'); li.textContent = text;
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
    e.preventDefault(); apikey = $('key').value.trim(); localStorage.setItem('cuttle.apikey', apikey); lastSeq = undefined; connect();
  });
  $('connect-printer').addEventListener('click', function () {
    api('POST', '/api/connection', { command: 'connect' }).catch(function (err) { addLog('connect failed: ' + err.message); });
  });
  $('upload-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var file = $('file').files[0];
    if (!file) return;
    var form = new FormData(); form.append('file', file, file.name);
    if ($('print').checked) { form.append('select', 'true'); form.append('print', 'true'); }
    $('upload-result').textContent = 'uploading ' + file.name + '…';
    api('POST', '/api/files/local', form).then(function () { $('upload-result').textContent = 'uploaded ' + file.name; })
      .catch(function (err) { $('upload-result').textContent = 'upload failed: ' + err.message; });
  });
  if (apikey) connect();
})();
</script>
</body>
</html>
`;
