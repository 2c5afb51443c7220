// The console's one script: live updates. Pages work without it (a reload shows the same).
// It listens to the server's events (/console/events):
// - on the board, a change fetches the board's columns again (the same HTML the server renders)
//   and puts them in place, keeping the focus on the card that had it; a change made by another
//   process (no order named) is fetched again a moment later too, as the order may be written a
//   moment after the board learns of it; the columns are also fetched as the stream opens, for
//   what changed between the page and the stream;
// - on an order page, a change of that order by anyone (a newer version than the page shows)
//   reveals a notice with a link to the latest, rather than reloading under the reader's hands;
//   a change made by another process is checked against the order's version.
(() => {
  const live = document.body.dataset.live;
  if (!live || typeof EventSource === 'undefined') return;
  const holder = document.getElementById('board-live');
  const changed = document.getElementById('changed');
  let pending = false;
  let again = false;
  async function refresh() {
    if (pending) {
      again = true;
      return;
    }
    pending = true;
    try {
      const res = await fetch(holder.dataset.fragment, { credentials: 'same-origin' });
      if (res.ok) {
        const focused = document.activeElement?.closest('[data-order]');
        const keep = focused ? focused.dataset.order : null;
        holder.innerHTML = await res.text();
        if (keep) holder.querySelector(`[data-order="${keep}"] a`)?.focus();
      }
    } finally {
      pending = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }
  const newer = (data) =>
    String(data.order) === changed.dataset.order && Number(data.v) > Number(changed.dataset.version);
  async function checkVersion() {
    const res = await fetch(`/console/orders/${changed.dataset.order}/version`, {
      credentials: 'same-origin',
    });
    if (res.ok && newer(await res.json())) changed.hidden = false;
  }
  const source = new EventSource(live);
  source.addEventListener('open', () => {
    if (holder) refresh();
    else if (changed) checkVersion();
  });
  source.addEventListener('change', (event) => {
    let data = {};
    try {
      data = JSON.parse(event.data);
    } catch {}
    const elsewhere = data.order === undefined;
    if (holder) {
      refresh();
      if (elsewhere) setTimeout(refresh, 1500);
      return;
    }
    if (!changed) return;
    if (newer(data)) changed.hidden = false;
    else if (elsewhere) checkVersion();
  });
})();
