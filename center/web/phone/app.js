// The 网格员 phone app. One page; views switch on the URL's hash. Records are saved to an outbox in
// IndexedDB first, each with an idempotency key made here, and sent when the centre can be reached;
// the centre stores each key once. The outbox is wiped on sign-out and when the centre says the
// session was revoked, and a record is never kept beyond the outbox's days (7).
'use strict';

(function () {
  const API = '/m/api/';
  const DAY = 24 * 3600 * 1000;
  const ME = 'fq.me';          // the user's grids, types and CSRF token (nothing of anyone else)
  const DROPPED = 'fq.dropped'; // a notice of records dropped unsent
  const $ = (id) => document.getElementById(id);
  let me = null;
  let flushing = false;
  let retryDelay = 5000;
  let retryTimer = 0;

  // ---- outbox (IndexedDB) ----
  let dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise((resolve, reject) => {
        const open = indexedDB.open('fengqiao-phone', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('outbox', {keyPath: 'key'});
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbp;
  }
  function tx(mode, fn) {
    return db().then((d) => new Promise((resolve, reject) => {
      const t = d.transaction('outbox', mode);
      const req = fn(t.objectStore('outbox'));
      t.oncomplete = () => resolve(req && req.result);
      t.onerror = () => reject(t.error);
    }));
  }
  const outboxAll = () => tx('readonly', (s) => s.getAll()).then((rs) => rs.sort((a, b) => a.created - b.created));
  const outboxPut = (rec) => tx('readwrite', (s) => s.put(rec));
  const outboxDelete = (key) => tx('readwrite', (s) => s.delete(key));
  const outboxClear = () => tx('readwrite', (s) => s.clear());

  // uuid returns a random (version 4) UUID, the record's idempotency key.
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // maskName shows a name as the centre does: 张*丰, 张*.
  function maskName(n) {
    const cs = Array.from(n || '');
    if (cs.length <= 1) return cs.join('') + '*';
    if (cs.length === 2) return cs[0] + '*';
    return cs[0] + '*'.repeat(cs.length - 2) + cs[cs.length - 1];
  }

  // ---- screen helpers ----
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function notice(text) {
    $('notice-text').textContent = text;
    $('notice').hidden = !text;
  }
  // flash shows a notice on the next view only.
  let flashText = '';
  function flash(text) { flashText = text; }
  function droppedNotice() {
    const n = Number(localStorage.getItem(DROPPED) || 0);
    return n ? n + ' 条记录超过' + ((me && me.outbox_days) || 7) + '天未能发送，已从本机删除，请重新登记。' : '';
  }
  function show(view) {
    document.querySelectorAll('.view').forEach((v) => { v.hidden = v.id !== 'view-' + view; });
    window.scrollTo(0, 0);
  }
  function fmtDate(s) {
    const d = new Date(s);
    const p = (x) => String(x).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }

  // ---- talking to the centre ----
  // call answers {ok, status, body}; a network failure is status 0. A revoked session wipes the
  // outbox and everything kept; an ended one asks to sign in again (the outbox stays).
  async function call(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method === 'POST' && me) headers['X-CSRF-Token'] = me.csrf;
    let res;
    try {
      res = await fetch(API + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin', cache: 'no-store'});
    } catch (e) {
      setOnline(false);
      return {ok: false, status: 0, body: {}};
    }
    setOnline(true);
    let data = {};
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (res.status === 401 && path !== 'login') {
      if (data.code === 'session_revoked') {
        await wipe();
        flash('您的登录已被注销，本机保存的未发送记录已清除。请重新登录。');
      } else {
        me = null;
        localStorage.removeItem(ME);
        flash('登录已过期，请重新登录；未发送的记录仍在本机。');
      }
      route();
    }
    return {ok: res.ok, status: res.status, body: data};
  }
  function setOnline(on) { $('net').hidden = on; }

  async function wipe() {
    await outboxClear();
    me = null;
    localStorage.removeItem(ME);
    localStorage.removeItem(DROPPED);
    await updateCount();
  }

  // dropOld removes the records older than the outbox's days and says so.
  async function dropOld() {
    const days = (me && me.outbox_days) || 7;
    const old = (await outboxAll()).filter((r) => Date.now() - r.created > days * DAY);
    for (const r of old) await outboxDelete(r.key);
    if (old.length) {
      const n = old.length + Number(localStorage.getItem(DROPPED) || 0);
      localStorage.setItem(DROPPED, String(n));
    }
    if (droppedNotice()) notice(droppedNotice());
  }

  async function updateCount() {
    const rs = await outboxAll();
    $('outbox-count').textContent = String(rs.filter((r) => !r.error).length);
    $('send-now').hidden = !rs.some((r) => !r.error);
    return rs;
  }

  // flush sends the outbox, oldest first, until it is empty or the centre cannot be reached.
  async function flush() {
    if (flushing || !me) return;
    flushing = true;
    clearTimeout(retryTimer);
    let stalled = false;
    let sent = 0;
    try {
      await dropOld();
      for (const rec of await outboxAll()) {
        if (rec.error || !me) continue;
        const res = await call('POST', rec.path, rec.body);
        if (res.ok) {
          await outboxDelete(rec.key);
          sent++;
        } else if (res.status === 0 || res.status >= 500 || res.status === 401 || res.status === 429) {
          stalled = true;
          break;
        } else if (res.status === 403 && /CSRF/.test(res.body.error || '')) {
          await loadMe();
          stalled = true;
          break;
        } else {
          rec.error = res.body.error || ('HTTP ' + res.status);
          await outboxPut(rec);
        }
      }
    } finally {
      flushing = false;
    }
    const left = (await updateCount()).filter((r) => !r.error).length;
    if (left && stalled && me) {
      // The line came and went: try again soon. Nothing got through: wait longer each time.
      if (sent) retryDelay = 2000;
      retryTimer = setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    } else {
      retryDelay = 5000;
    }
    if (!$('view-records').hidden) renderRecords(false);
    return left;
  }

  async function enqueue(path, body, label) {
    const rec = {key: body.key, path, body, label, created: Date.now(), user: me.name};
    await outboxPut(rec);
    await updateCount();
    return flush();
  }

  // ---- sign-in ----
  async function loadMe() {
    const res = await call('GET', 'me');
    if (res.ok) {
      me = res.body;
      localStorage.setItem(ME, JSON.stringify(me));
    }
    return res;
  }

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('login-error').hidden = true;
    $('login-btn').disabled = true;
    const res = await call('POST', 'login', {username: $('login-user').value.trim(), password: $('login-pass').value});
    $('login-btn').disabled = false;
    if (!res.ok) {
      $('login-error').textContent = res.status === 0 ? '无法连接综治中心，请联网后再登录。' : (res.body.error || '登录失败。');
      $('login-error').hidden = false;
      return;
    }
    const before = await outboxAll();
    if (before.some((r) => r.user !== res.body.name)) await outboxClear(); // another user's records
    me = res.body;
    localStorage.setItem(ME, JSON.stringify(me));
    $('login-pass').value = '';
    notice('');
    location.hash = '#/';
    route();
    flush();
  });

  $('logout').addEventListener('click', async () => {
    const n = (await outboxAll()).length;
    if (n && !confirm('还有 ' + n + ' 条记录未发送，退出登录将从本机删除。确定退出？')) return;
    await call('POST', 'logout');
    await wipe();
    notice('');
    route();
  });

  $('notice-close').addEventListener('click', () => {
    localStorage.removeItem(DROPPED);
    notice('');
  });
  $('send-now').addEventListener('click', () => { retryDelay = 5000; flush(); });

  // ---- register a dispute ----
  function addParty() {
    const node = $('party-tpl').content.firstElementChild.cloneNode(true);
    node.querySelector('.p-remove').addEventListener('click', () => {
      if ($('parties').children.length > 1) node.remove();
    });
    $('parties').appendChild(node);
  }
  $('add-party').addEventListener('click', addParty);

  function fillForm() {
    $('parties').textContent = '';
    addParty();
    const grid = $('f-grid');
    grid.textContent = '';
    for (const g of me.grids) {
      const o = el('option', '', g.village + ' · ' + (g.big ? g.big + ' · ' : '') + g.name);
      o.value = String(g.id);
      grid.appendChild(o);
    }
    fillTypes();
    const risk = $('f-risk');
    risk.textContent = '';
    me.risks.forEach((r, i) => {
      const l = el('label');
      const input = el('input');
      input.type = 'radio';
      input.name = 'risk';
      input.value = r.value;
      input.id = 'risk-' + r.value;
      input.checked = i === 0;
      l.append(input, el('span', '', r.label));
      risk.appendChild(l);
    });
    ['f-summary', 'f-place'].forEach((id) => { $(id).value = ''; });
    clearPhoto();
    $('new-error').hidden = !!me.grids.length;
    $('new-error').textContent = '您的账号尚未分配网格，请联系综治中心管理员。';
    $('save').disabled = !me.grids.length;
  }
  let typesShown = [];
  function fillTypes() {
    const g = me.grids.find((x) => String(x.id) === $('f-grid').value);
    const sel = $('f-type');
    sel.textContent = '';
    sel.appendChild(el('option', '', '请选择'));
    sel.firstChild.value = '';
    typesShown = (g && me.types[String(g.site)]) || [];
    typesShown.forEach((t, i) => {
      const o = el('option', '', t.label);
      o.value = String(i);
      sel.appendChild(o);
    });
  }
  $('f-grid').addEventListener('change', fillTypes);

  // The photo is shrunk here, on a canvas, to a JPEG within the centre's limit.
  let photo = '';
  let previewURL = '';
  function clearPhoto() {
    photo = '';
    $('f-photo').value = '';
    $('photo-preview').hidden = true;
    if (previewURL) URL.revokeObjectURL(previewURL);
    previewURL = '';
  }
  async function shrink(file, max) {
    const bmp = await createImageBitmap(file);
    let side = 1600;
    for (let q = 0.8; ; ) {
      const scale = Math.min(1, side / Math.max(bmp.width, bmp.height));
      const c = document.createElement('canvas');
      c.width = Math.round(bmp.width * scale);
      c.height = Math.round(bmp.height * scale);
      c.getContext('2d').drawImage(bmp, 0, 0, c.width, c.height);
      const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', q));
      if (blob.size <= max || side < 200) return blob;
      if (q > 0.5) q -= 0.15; else side = Math.round(side * 0.75);
    }
  }
  const toBase64 = (blob) => new Promise((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1]);
    r.readAsDataURL(blob);
  });
  $('f-photo').addEventListener('change', async () => {
    const f = $('f-photo').files[0];
    if (!f) return clearPhoto();
    try {
      const blob = await shrink(f, me.max_photo);
      photo = await toBase64(blob);
      if (previewURL) URL.revokeObjectURL(previewURL);
      previewURL = URL.createObjectURL(blob);
      $('photo-preview').src = previewURL;
      $('photo-preview').hidden = false;
    } catch (e) {
      clearPhoto();
      $('new-error').textContent = '无法读取这张照片，请重新拍摄。';
      $('new-error').hidden = false;
    }
  });

  $('new-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = (m) => { $('new-error').textContent = m; $('new-error').hidden = false; window.scrollTo(0, 0); };
    const parties = [];
    for (const p of $('parties').children) {
      const v = {name: p.querySelector('.p-name').value.trim(), phone: p.querySelector('.p-phone').value.trim(),
        id_number: p.querySelector('.p-id').value.trim().toUpperCase()};
      if (!v.name && !v.phone && !v.id_number) continue;
      if (!v.name) return err('请填写当事人姓名。');
      if (v.phone && !/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/.test(v.phone)) return err('电话号码有误：' + v.phone);
      if (v.id_number && !/^\d{17}[\dX]$/.test(v.id_number)) return err('身份证号应为18位。');
      parties.push(v);
    }
    if (!parties.length) return err('请至少填写一位当事人。');
    const type = $('f-type').value === '' ? null : typesShown[Number($('f-type').value)];
    if (!type) return err('请选择纠纷类型。');
    const summary = $('f-summary').value.trim();
    const place = $('f-place').value.trim();
    if (!summary) return err('请填写简要情况。');
    if (!place) return err('请填写户或地址。');
    const risk = document.querySelector('input[name=risk]:checked').value;
    const body = {key: uuid(), grid: Number($('f-grid').value), service: type.service, category: type.category, summary, place, risk,
      parties, found_at: new Date().toISOString()};
    if (photo) body.photo = photo;
    const label = $('f-type').selectedOptions[0].textContent + ' · ' + parties.map((p) => maskName(p.name)).join('、');
    $('save').disabled = true;
    const left = await enqueue('disputes', body, label);
    $('save').disabled = false;
    flash(left ? '已保存在本机，联网后自动发送。' : '已登记，综治中心已收到。');
    location.hash = '#/records';
  });

  // ---- my records ----
  async function renderRecords(fetchNew) {
    const pending = $('pending');
    pending.textContent = '';
    for (const r of await outboxAll()) {
      if (r.path !== 'disputes') continue;
      const c = el('div', 'card rec pending-rec');
      c.appendChild(el('h2', '', r.label));
      const m = el('p', 'meta', fmtDate(r.created) + ' ');
      m.appendChild(el('span', r.error ? 'status failed' : 'status pending', r.error ? '未能登记' : '待发送'));
      c.appendChild(m);
      if (r.error) {
        c.appendChild(el('p', 'err', r.error));
        const del = el('button', 'btn small ghost', '删除此记录');
        del.type = 'button';
        del.addEventListener('click', async () => { await outboxDelete(r.key); renderRecords(false); updateCount(); });
        c.appendChild(del);
      }
      pending.appendChild(c);
    }
    if (!fetchNew) return;
    const res = await call('GET', 'records');
    const box = $('records');
    if (!res.ok) {
      if (res.status === 0) box.replaceChildren(el('p', 'muted', '未连接网络，联网后显示已登记的记录。'));
      return;
    }
    box.textContent = '';
    if (!res.body.records.length) box.appendChild(el('p', 'muted', '本网格暂无登记的纠纷。'));
    for (const r of res.body.records) {
      const c = el('div', 'card rec');
      c.dataset.code = r.code;
      c.appendChild(el('h2', '', (r.category || r.service) + ' · ' + r.masked_name));
      const m = el('p', 'meta', fmtDate(r.opened_at) + ' · ' + r.grid + ' · ');
      m.appendChild(el('span', r.risk === 'major' ? 'risk-major' : '', r.risk_label));
      c.appendChild(m);
      const s = el('p', 'meta', '查询码 ');
      s.append(el('span', 'code', r.code), ' ', el('span', 'status', r.status_label));
      c.appendChild(s);
      box.appendChild(c);
    }
  }

  // ---- 回访 tasks ----
  async function renderTasks() {
    const box = $('tasks');
    const res = await call('GET', 'tasks');
    if (!res.ok) {
      if (res.status === 0) box.replaceChildren(el('p', 'muted', '未连接网络，联网后显示回访任务。'));
      return;
    }
    const queued = new Set((await outboxAll()).filter((r) => r.task).map((r) => r.task));
    box.textContent = '';
    const open = res.body.tasks.filter((t) => !t.done_at);
    setTaskCount(open.length);
    if (!res.body.tasks.length) box.appendChild(el('p', 'muted', '暂无回访任务。'));
    for (const t of res.body.tasks) {
      const c = el('div', 'card rec task');
      c.dataset.task = String(t.id);
      c.appendChild(el('h2', '', (t.category || '纠纷') + ' · ' + t.masked_name));
      const m = el('p', 'meta', '查询码 ');
      m.append(el('span', 'code', t.code), (t.grid ? ' · ' + t.grid : '') + (t.due_on ? ' · ' + t.due_on + ' 前回访' : ''));
      c.appendChild(m);
      if (t.done_at) {
        c.appendChild(el('p', 'ok', '已回访：' + t.outcome));
      } else if (queued.has(t.id)) {
        c.appendChild(el('p', 'status pending', '回访结果待发送'));
      } else {
        c.appendChild(taskForm(t));
      }
      box.appendChild(c);
    }
  }
  function setTaskCount(n) {
    $('task-count').textContent = String(n);
    $('task-count').hidden = !n;
  }
  function taskForm(t) {
    const f = el('form', 'task-form');
    const l1 = el('label', '', '回访结果');
    const sel = el('select', 'outcome');
    for (const o of me.outcomes) sel.appendChild(el('option', '', o));
    l1.appendChild(sel);
    const l2 = el('label', '', '回访情况');
    const note = el('textarea', 'note');
    note.rows = 3;
    note.maxLength = 200;
    l2.appendChild(note);
    const b = el('button', 'btn', '记录回访');
    f.append(l1, l2, b);
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      b.disabled = true;
      const body = {key: uuid(), outcome: sel.value, note: note.value.trim()};
      const rec = {key: body.key, path: 'tasks/' + t.id, body, task: t.id, label: '回访 ' + t.code, created: Date.now(), user: me.name};
      await outboxPut(rec);
      const left = await flush();
      notice(left ? '回访结果已保存在本机，联网后自动发送。' : '回访已记录。');
      renderTasks();
    });
    return f;
  }

  // ---- routing ----
  async function route() {
    notice(flashText || droppedNotice());
    flashText = '';
    if (!me) {
      $('who').textContent = '';
      show('login');
      return;
    }
    $('who').textContent = me.name + ' · ' + me.role_label;
    const view = (location.hash.replace(/^#\//, '') || 'home').split('/')[0];
    switch (view) {
      case 'new':
        fillForm();
        show('new');
        break;
      case 'records':
        show('records');
        renderRecords(true);
        break;
      case 'tasks':
        show('tasks');
        renderTasks();
        break;
      default:
        show('home');
        updateCount();
    }
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => { retryDelay = 5000; flush(); });
  window.addEventListener('offline', () => setOnline(false));
  document.addEventListener('visibilitychange', () => { if (!document.hidden) flush(); });

  async function start() {
    try { me = JSON.parse(localStorage.getItem(ME) || 'null'); } catch (e) { me = null; }
    if (me) await dropOld();
    await updateCount();
    route();
    if (me) {
      // Refresh the grids and types; a revoked session is found out here, on the first contact.
      const res = await loadMe();
      if (res.ok) route();
      flush();
    }
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', {scope: './'}).catch(() => { /* no offline shell: still usable online */ });
  }
  start();
})();
