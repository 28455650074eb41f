/// The dashboard's cost panel: per service the spend today and this month against the daily limit
/// and the monthly budget as bars, reserved, utilization, level, month-end projection and anomaly,
/// and the totals, from `GET /api/v1/external-services/cost-monitoring` (manager) every 3 s and right
/// after a live `budget.alert` of room `cost_monitoring`, which is also listed. Money is shown in
/// dollars formatted from the integer micro-dollars (`money`); the raw integers are in `data-value`.
/// A token below manager (403) shows "needs manager role"; a node without the route (404) or one
/// that cannot answer (503) shows "unavailable"; the page keeps working either way.
///
/// Value elements: `[data-panel="cost"][data-service][data-field]` (`data-service="totals"` for the
/// totals row); the panel's state is `[data-panel="cost"][data-field="status"]` (`data-state`: `ok`,
/// `forbidden`, `unavailable`, `error`); alerts are `li[data-panel="cost-alerts"]`.
enum DashboardCostPanel {
    static let html = #"""
    <section id="cost-panel"><h2>Cost</h2>
      <div class="panel-status" data-panel="cost" data-field="status" data-state="loading">loading…</div>
      <table><thead><tr><th>service</th><th>level</th><th>today / daily limit</th><th></th><th>month / monthly budget</th><th></th>
        <th>reserved</th><th>utilization</th><th>projected month</th><th>anomaly</th></tr></thead>
      <tbody id="costs"></tbody></table>
      <h3>Live budget alerts</h3>
      <div class="panel-status" data-panel="cost-alerts" data-field="status" data-state="loading">waiting for the room…</div>
      <ul id="cost-alerts" class="alerts"></ul>
    </section>

    """#

    static let script = #"""
    // ---- Cost panel ----
    const costAlerts = [];           // newest first, at most 30
    let costAsked = 0, costShown = 0, costTimer = null;
    const levelBar = { ok: '', warning: 'warn' };
    const percent = u => u == null ? '–' : `${(u * 100).toFixed(1)}%`;
    async function refreshCost() {
      if (!currentToken()) { setStatus('cost', 'no-token', 'paste a token'); return; }
      const asked = ++costAsked;
      let res;
      try { res = await api('/api/v1/external-services/cost-monitoring'); }
      catch (e) { if (asked > costShown) { costShown = asked; setStatus('cost', 'error', 'unreachable'); } return; }
      if (asked < costShown) return;   // an older answer arriving after a newer one
      costShown = asked;
      if (res.status === 403) { document.getElementById('costs').innerHTML = ''; setStatus('cost', 'forbidden', 'needs manager role'); return; }
      if (res.status === 404) { document.getElementById('costs').innerHTML = ''; setStatus('cost', 'unavailable', 'unavailable'); return; }
      if (!res.ok || !res.body || !Array.isArray(res.body.services)) {
        // Keep the last figures on screen; say they are not current.
        setStatus('cost', 'unavailable', `unavailable (${errorText(res)})`);
        return;
      }
      renderCost(res.body);
      setStatus('cost', 'ok', `as of ${res.body.at}` + (res.body.outlookAvailable === false ? ' · no month-end projection' : ''));
    }
    function costRow(service, c, isTotal) {
      const a = { panel: 'cost', service };
      const m = f => val(a, f, c[f], money(c[f]));
      const level = isTotal ? '' : val(a, 'level', c.level, c.level).replace('<span ', `<span class="level ${text(c.level)}" `);
      const cls = isTotal ? undefined : (c.level in levelBar ? levelBar[c.level] : 'hot');
      const anomaly = isTotal ? '' : val(a, 'anomaly', c.anomaly, c.anomaly ? 'yes' : 'no') +
        (c.anomalyReason ? ' ' + val(a, 'anomalyReason', c.anomalyReason, c.anomalyReason) : '');
      return `<tr data-service="${text(service)}"><td>${isTotal ? '<b>total</b>' : text(service)}</td><td>${level}</td>` +
        `<td>${m('spentTodayMicros')} / ${m('dailyLimitMicros')}</td><td>${bar(c.spentTodayMicros, c.dailyLimitMicros, cls)}</td>` +
        `<td>${m('spentMonthMicros')} / ${m('monthlyBudgetMicros')}</td><td>${bar(c.spentMonthMicros, c.monthlyBudgetMicros, cls)}</td>` +
        `<td>${c.reservedMicros == null ? '' : m('reservedMicros')}</td>` +
        `<td>${isTotal ? '' : val(a, 'utilization', c.utilization, percent(c.utilization))}</td>` +
        `<td>${m('projectedMonthMicros')}</td><td>${anomaly}</td></tr>`;
    }
    function renderCost(body) {
      const rows = body.services.map(c => costRow(c.service, c, false));
      if (body.totals) rows.push(costRow('totals', body.totals, true));
      document.getElementById('costs').innerHTML = rows.join('');
    }
    function scheduleCost() {
      if (costTimer) return;
      costTimer = setTimeout(() => { costTimer = null; refreshCost(); }, 250);
    }
    function renderCostAlerts() {
      document.getElementById('cost-alerts').innerHTML = costAlerts.map(m => {
        const d = m.data || {};
        const period = d.period == null ? 'manual' : d.period;
        const figures = d.spentMicros == null ? '' : ` ${money(d.spentMicros)} of ${money(d.limitMicros)} (${percent(d.utilization)})`;
        return `<li data-panel="cost-alerts" data-event-id="${text(m.id)}" data-event="${text(m.event)}"` +
          ` data-service="${text(d.service)}" data-level="${text(d.level)}" data-period="${text(d.period == null ? '' : d.period)}"` +
          ` data-utilization="${text(d.utilization == null ? '' : d.utilization)}" data-spent-micros="${text(d.spentMicros == null ? '' : d.spentMicros)}"` +
          ` data-limit-micros="${text(d.limitMicros == null ? '' : d.limitMicros)}" data-manual="${text(!!d.manual)}"` +
          ` data-message="${text(d.message == null ? '' : d.message)}" data-at="${text(d.at == null ? '' : d.at)}">` +
          `${text(clock(m.ts))} <b>${text(d.service)}</b> <span class="level ${text(d.level)}">${text(d.level)}</span> ` +
          `${text(period)}${text(figures)}: ${text(d.message == null ? '' : d.message)}</li>`;
      }).join('');
    }
    panels.push({
      rooms: ['cost_monitoring'],
      refresh: () => refreshCost(),
      onEvent(msg) {
        if (msg.event !== 'budget.alert' || costAlerts.some(a => a.id === msg.id)) return;
        costAlerts.unshift(msg);
        costAlerts.length = Math.min(costAlerts.length, 30);
        renderCostAlerts();
        scheduleCost();
      },
      onRoomJoined() { setStatus('cost-alerts', 'live', 'live'); },
      onRoomError(msg) {
        if (msg.code === 'forbidden') setStatus('cost-alerts', 'forbidden', 'needs manager role');
        else setStatus('cost-alerts', 'error', `unavailable (${msg.code})`);
      },
    });

    """#
}
