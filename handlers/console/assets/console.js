// The console's one script: keeps the board live. Pages work without it (a reload shows the same).
// It listens to the server's events (/console/events) and, on a change, fetches the board's columns
// again (the same HTML the server renders) and puts them in place.
(() => {
  const live = document.body.dataset.live;
  if (!live || typeof EventSource === 'undefined') return;
  const holder = document.getElementById('board-live');
  let pending = false;
  let again = false;
  async function refresh() {
    if (!holder) {
      // An order page: reload it when that order changed, unless a form is being filled in.
      const editing = document.activeElement?.matches('input, select, textarea');
      if (!editing) window.location.reload();
      return;
    }
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
  const order = window.location.pathname.match(/^\/console\/orders\/(\d+)$/);
  source.addEventListener('change', (event) => {
    if (order) {
      let data = {};
      try {
        data = JSON.parse(event.data);
      } catch {}
      if (data.order !== undefined && String(data.order) !== order[1]) return;
    }
    refresh();
  });
})();
