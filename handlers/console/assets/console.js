// The console's one script: live updates. Pages work without it (a reload shows the same).
// It listens to the server's events (/console/events):
// - on the board, a change fetches the board's columns again (the same HTML the server renders)
//   and puts them in place, keeping the focus on the card that had it;
// - on an order page, a change of that order by anyone (a newer version than the page shows)
//   reveals a notice with a link to the latest, rather than reloading under the reader's hands.
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
  const source = new EventSource(live);
  source.addEventListener('change', (event) => {
    if (holder) {
      refresh();
      return;
    }
    if (!changed) return;
    let data = {};
    try {
      data = JSON.parse(event.data);
    } catch {}
    if (String(data.order) === changed.dataset.order && Number(data.v) > Number(changed.dataset.version)) {
      changed.hidden = false;
    }
  });
})();
