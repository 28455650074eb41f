/// The dashboard served at GET /: one self-contained page (no build step, no external assets) that
/// polls the cluster status API with the token the operator pastes (kept in this browser's storage).
enum DashboardPage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Coordinator</title>
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2430; background: #f6f7f9; }
      h1 { font-size: 1.4rem; margin: 0 0 1rem; }
      section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
      table { border-collapse: collapse; width: 100%; }
      th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #eef0f3; }
      th { font-weight: 600; color: #5a6472; }
      .ok { color: #137333; } .bad { color: #b3261e; }
      input { width: 40rem; max-width: 100%; font: inherit; padding: .3rem; }
      #error { color: #b3261e; }
    </style>
    </head>
    <body>
    <h1>Coordinator cluster</h1>
    <section>
      <label>API token (Bearer JWT): <input id="token" type="password" placeholder="paste data/dev-admin-token"></label>
      <div id="error"></div>
    </section>
    <section><h2>Readiness of the node that served this page</h2><div id="ready">…</div></section>
    <section><h2>Live nodes</h2>
      <table><thead><tr><th>id</th><th>started</th><th>last seen</th></tr></thead><tbody id="nodes"></tbody></table>
    </section>
    <section><h2>Services</h2>
      <table><thead><tr><th>service</th><th>max batch</th><th>max wait (ms)</th><th>daily limit ($)</th><th>monthly budget ($)</th><th>burst /s</th><th>sustained /min</th></tr></thead>
      <tbody id="services"></tbody></table>
    </section>
    <script>
    const tokenInput = document.getElementById('token');
    // A link like /#token=... (printed by scripts/dev-up.sh) signs in: the fragment never reaches a server log.
    if (location.hash.startsWith('#token=')) {
      localStorage.setItem('coordToken', decodeURIComponent(location.hash.slice(7)));
      history.replaceState(null, '', location.pathname);
    }
    tokenInput.value = localStorage.getItem('coordToken') || '';
    tokenInput.addEventListener('change', () => { localStorage.setItem('coordToken', tokenInput.value.trim()); refresh(); });
    const dollars = m => (m / 1e6).toFixed(2);
    const text = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
    async function refresh() {
      try {
        const ready = await (await fetch('/readyz')).json();
        document.getElementById('ready').innerHTML = Object.entries(ready.checks).map(([k, v]) =>
          `<span class="${v.ok ? 'ok' : 'bad'}">${text(k)}: ${v.ok ? 'ok' : text(v.error || 'down')}</span>`).join(' · ');
      } catch (e) { document.getElementById('ready').textContent = 'unreachable'; }
      const token = tokenInput.value.trim();
      if (!token) { document.getElementById('error').textContent = 'Paste a token to see the cluster.'; return; }
      const r = await fetch('/api/v1/external-services/status', { headers: { Authorization: 'Bearer ' + token } });
      const body = await r.json();
      if (!r.ok) { document.getElementById('error').textContent = `${r.status}: ${body.error ? body.error.message : ''}`; return; }
      document.getElementById('error').textContent = '';
      document.getElementById('nodes').innerHTML = body.nodes.map(n =>
        `<tr><td>${text(n.id)}</td><td>${text(n.startedAt)}</td><td>${text(n.lastSeenAt)}</td></tr>`).join('');
      document.getElementById('services').innerHTML = body.services.map(s =>
        `<tr><td>${text(s.name)}</td><td>${s.maxBatchSize}</td><td>${s.maxWaitMs}</td><td>${dollars(s.dailyLimitMicros)}</td>` +
        `<td>${dollars(s.monthlyBudgetMicros)}</td><td>${s.burstPerSecond}</td><td>${s.sustainedPerMinute}</td></tr>`).join('');
    }
    refresh();
    setInterval(refresh, 3000);
    </script>
    </body>
    </html>
    """#
}
